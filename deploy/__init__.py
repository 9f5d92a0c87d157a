"""Deployment: the compose file as data, and `make up` / `make down` without Docker.

`local` is `make up` / `make down` (Airflow standalone on one machine), keeping its servers in
their own process groups (`processes`); `airflow_api` is the REST client the tests drive.
"""
