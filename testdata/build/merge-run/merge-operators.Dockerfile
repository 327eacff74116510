# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN test -e /nope || mkdir /a
RUN touch /a/x
ENV STEP=2
RUN echo a > /dev/null; mkdir /b
RUN touch /b/x
ENV STEP=3
RUN echo piped | cat > /c
RUN ! test -e /nope
RUN (cd /tmp && touch made-in-tmp)
RUN touch made-in-root
