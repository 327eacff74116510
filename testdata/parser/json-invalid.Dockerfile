# dffix-test: --fix=none
FROM scratch
CMD ["a", 'b']
CMD [a]
CMD ["unterminated
RUN [ "a" "b" ]
CMD ['single']
