# dffix-test: --fix=none
FROM scratch
RUN echo ÿþ cafÃ
LABEL k="été"
# € comment
