# dffix-test: --fix=none
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK CMD curl -f localhost
CMD ["nginx", "-g", "daemon off;"]
