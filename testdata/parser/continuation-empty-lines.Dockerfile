# dffix-test: --fix=none
FROM scratch
RUN echo a \

   
	
    && echo b \

    && echo c
