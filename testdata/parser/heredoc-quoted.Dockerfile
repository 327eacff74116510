# dffix-test: --fix=none
FROM scratch
RUN <<"EOF"
echo $HOME
EOF
RUN <<'END'
echo $PATH
END
