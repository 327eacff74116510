# dffix-test: --fix=none
FROM scratch
RUN set -eux; \
# one   
	# two
          # three
    true
