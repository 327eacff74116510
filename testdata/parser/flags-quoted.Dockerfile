# dffix-test: --fix=none
FROM scratch
RUN   --mount="type=secret,id=a b"   echo  hi
COPY  --chown='1000:1000'   a  b
ADD --checksum=sha256:24454f830cdd   x y
RUN -- --not-a-flag
EXPOSE  --foo   80
