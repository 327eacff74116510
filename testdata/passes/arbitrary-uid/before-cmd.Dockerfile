# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
WORKDIR /srv/www
COPY site/ .
RUN ./build.sh
# start the server
CMD ["httpd", "-DFOREGROUND"]
