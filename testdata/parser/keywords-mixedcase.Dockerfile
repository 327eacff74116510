# dffix-test: --fix=none
ArG TAG=1
FrOm scratch As build
MaInTaInEr someone
LaBeL a=b
eNv A=1
RuN echo hi
aDd a /a
CoPy b /b
ExPoSe 80
UsEr nobody
WoRkDiR /w
VoLuMe /v
StOpSiGnAl SIGTERM
HeAlThChEcK --interval=5s Cmd true
HEALTHCHECK none
ShElL ["/bin/sh", "-c"]
OnBuIlD rUn echo on
EnTrYpOiNt ["/e"]
CmD ["c"]
