# dffix-test: --fix=pin-tag --pin nginx=1.25 --pin localhost:5000/team/app=2.0
# the registry and path stay as written; only the tag changes
FROM docker.io/library/nginx:latest

FROM index.docker.io/nginx

FROM localhost:5000/team/app

FROM quay.io/nginx
LABEL note="another registry is another image: no pin"
