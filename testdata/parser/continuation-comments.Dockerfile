# dffix-test: --fix=none
FROM scratch
RUN apt-get update \
# flush left
        #   deep comment   
    && apt-get install -y curl \
  # a comment ending in an escape \
    && rm -rf /var/lib/apt/lists/*
