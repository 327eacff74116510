# dffix-test: --fix=none
FROM scratch
RUN <<-EOF
	echo hi
		echo there
	EOF
RUN echo after
