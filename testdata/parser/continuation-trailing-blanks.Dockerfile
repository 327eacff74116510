# dffix-test: --fix=none
FROM scratch
RUN echo a \   
    b \	
    c
