# dffix-test: --fix=none
FROM scratch
RUN ["sh", "-c", "cat <<EOF"]
CMD cat <<EOF
RUN echo '<<EOF'
