# dffix-test: --fix=none
FROM scratch
CMD ["a","b"]
ENTRYPOINT   [ "x" , "y" ]
RUN ["echo", "a  b"]
SHELL ["/bin/sh","-c"]
COPY ["a b","/c/"]
VOLUME ["/data"]
HEALTHCHECK CMD ["curl","-f","http://x/"]
CMD []
CMD ["a\"b","\u00e9\n"]
