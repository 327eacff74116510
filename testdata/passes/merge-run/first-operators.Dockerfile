# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN test -e /nope || mkdir /a
RUN touch /a/x
ENV STEP=2
RUN echo a; mkdir /b
RUN touch /b/x
ENV STEP=3
RUN echo a | cat > /c
RUN ! test -e /nope
RUN (cd /tmp && touch x)
RUN touch /done
