# dffix-test: --fix=none
FROM	scratch
RUN	echo	a		b
	RUN echo c
ENV	A=1	B=2
COPY	a	b
