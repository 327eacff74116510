# dffix-test: --fix=maintainer --format=checkstyle
FROM alpine AS Build
MAINTAINER Jane <jane@example.com>
ENV DB_PASSWORD="s3cr&t"
EXPOSE 8080:80 é
CMD ["app"]
