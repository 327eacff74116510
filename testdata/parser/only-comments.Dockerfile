# dffix-test: --fix=none
# one


# two   
