# dffix-test: --fix=arbitrary-uid
FROM localhost/dffix-busybox:latest
RUN mkdir -p /var/lib/app/data && echo seed > /var/lib/app/data/seed
VOLUME /var/lib/app/data
WORKDIR /srv/www
COPY app.txt b.txt ./
USER 1001
CMD ["ls", "/srv/www"]
