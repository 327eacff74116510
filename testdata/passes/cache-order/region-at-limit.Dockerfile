# dffix-test: --fix=cache-order
# 32 COPYs among install RUNs: each one moves past every install below it.
FROM ubi9:9.4
COPY src/f0.py /srv/app/
RUN dnf install -y pkg0
COPY src/f1.py /srv/app/
RUN dnf install -y pkg1
COPY src/f2.py /srv/app/
RUN dnf install -y pkg2
COPY src/f3.py /srv/app/
RUN dnf install -y pkg3
COPY src/f4.py /srv/app/
RUN dnf install -y pkg4
COPY src/f5.py /srv/app/
RUN dnf install -y pkg5
COPY src/f6.py /srv/app/
RUN dnf install -y pkg6
COPY src/f7.py /srv/app/
RUN dnf install -y pkg7
COPY src/f8.py /srv/app/
RUN dnf install -y pkg8
COPY src/f9.py /srv/app/
RUN dnf install -y pkg9
COPY src/f10.py /srv/app/
RUN dnf install -y pkg10
COPY src/f11.py /srv/app/
RUN dnf install -y pkg11
COPY src/f12.py /srv/app/
RUN dnf install -y pkg12
COPY src/f13.py /srv/app/
RUN dnf install -y pkg13
COPY src/f14.py /srv/app/
RUN dnf install -y pkg14
COPY src/f15.py /srv/app/
RUN dnf install -y pkg15
COPY src/f16.py /srv/app/
RUN dnf install -y pkg16
COPY src/f17.py /srv/app/
RUN dnf install -y pkg17
COPY src/f18.py /srv/app/
RUN dnf install -y pkg18
COPY src/f19.py /srv/app/
RUN dnf install -y pkg19
COPY src/f20.py /srv/app/
RUN dnf install -y pkg20
COPY src/f21.py /srv/app/
RUN dnf install -y pkg21
COPY src/f22.py /srv/app/
RUN dnf install -y pkg22
COPY src/f23.py /srv/app/
RUN dnf install -y pkg23
COPY src/f24.py /srv/app/
RUN dnf install -y pkg24
COPY src/f25.py /srv/app/
RUN dnf install -y pkg25
COPY src/f26.py /srv/app/
RUN dnf install -y pkg26
COPY src/f27.py /srv/app/
RUN dnf install -y pkg27
COPY src/f28.py /srv/app/
RUN dnf install -y pkg28
COPY src/f29.py /srv/app/
RUN dnf install -y pkg29
COPY src/f30.py /srv/app/
RUN dnf install -y pkg30
COPY src/f31.py /srv/app/
RUN dnf install -y pkg31
