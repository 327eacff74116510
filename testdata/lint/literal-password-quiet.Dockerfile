# dffix-test: --fix=none
FROM debian:12
RUN useradd -m app && passwd -l app
RUN echo "app:${APP_PASSWORD}" | chpasswd
CMD ["bash"]
