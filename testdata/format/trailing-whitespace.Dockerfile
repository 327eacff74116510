# dffix-test: --fix=none
FROM scratch   
RUN echo hi 	
# comment   
RUN echo "a   \
  b"
ENV A=1  
