# dffix-test: --fix=arbitrary-uid,merge-run
# The new RUNs for /g and /usr/src/app join the RUN before them. None counts
# as a write to another directory on a second run (`g=u` is not /g,
# /usr/src/app is not /app), and `chown -R app:0 /srv` writes only /srv.
FROM ubi9
WORKDIR /g
RUN make
CMD ["x"]
WORKDIR /app
CMD ["y"]
WORKDIR /usr/src/app
RUN chown -R app:0 /srv
