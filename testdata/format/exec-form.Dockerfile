# dffix-test: --fix=none
FROM scratch
CMD ["a","b"]
CMD [ "a" ]
CMD [  ]
ENTRYPOINT ["a" ,"b",   "c"]
CMD ["a", \
        "b"]
HEALTHCHECK  --interval=1s   CMD   ["a","b"]
