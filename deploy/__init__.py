"""Deployment: the compose file as data, and the launchers that run it without Docker.

`local` is `make up` / `make down` (Airflow standalone on one machine); `cluster` starts the
CeleryExecutor components of `docker-compose.yaml` as host processes (the scale-out test);
both keep their servers in their own process groups (`processes`).
"""
