# dffix-test: --fix=none
from scratch
run echo hi
