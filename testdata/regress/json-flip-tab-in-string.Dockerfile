# dffix-test: --fix=none
FROM alpine
ADD	[ "\
	"]
