# dffix-test: --fix=none
FROM debian:12
RUN useradd -m app && echo 'app:app123' | chpasswd
RUN echo "secret" | passwd --stdin root
CMD ["bash"]
