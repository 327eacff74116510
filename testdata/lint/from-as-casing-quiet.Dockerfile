# dffix-test: --fix=none
from golang:1.22 as build
run go build -o /app .
from alpine:3.20 as runtime
copy --from=build /app /app
cmd ["/app"]
