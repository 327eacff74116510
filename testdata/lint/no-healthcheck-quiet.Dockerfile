# dffix-test: --fix=none
FROM python:3.12
COPY . /app
CMD ["python", "/app/batch.py"]
