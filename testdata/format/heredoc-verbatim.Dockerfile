# dffix-test: --fix=none
FROM scratch
RUN <<EOF
	if true;  then   
  echo   yes	
fi


EOF
run   echo after
