# syntax=docker/dockerfile:1
# Claude Compliance on the official Airflow 3.3 image: the project installed with its own
# constraints (constraints.txt, the lock CI tests with), its DAGs, plugins, dbt project and
# deploy scripts under /opt/claude-compliance. docker-compose.yaml runs every service from it.
ARG AIRFLOW_VERSION=3.3.2
ARG PYTHON_VERSION=3.11
FROM apache/airflow:${AIRFLOW_VERSION}-python${PYTHON_VERSION}

ARG AIRFLOW_VERSION

# Chromium prints the PDF reports (the reports find it on PATH); INSTALL_CHROMIUM=false
# builds a smaller image whose reports are HTML only.
ARG INSTALL_CHROMIUM=true
USER root
RUN if [ "${INSTALL_CHROMIUM}" = "true" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends chromium \
        && apt-get autoremove -yqq --purge \
        && apt-get clean \
        && rm -rf /var/lib/apt/lists/*; \
    fi

# The volumes mount under var/; creating the folders here, owned by the airflow user with
# group 0 (the image's convention), gives new named volumes that ownership.
RUN mkdir -p /opt/claude-compliance/var/lake /opt/claude-compliance/var/warehouse \
        /opt/claude-compliance/var/reports /opt/claude-compliance/var/simulator \
    && chown -R airflow:0 /opt/claude-compliance \
    && chmod -R g+rwX /opt/claude-compliance
USER airflow

WORKDIR /opt/claude-compliance
COPY --chown=airflow:0 pyproject.toml constraints.txt README.md ./
COPY --chown=airflow:0 scanners ./scanners
COPY --chown=airflow:0 compliance_simulator ./compliance_simulator
COPY --chown=airflow:0 plugins ./plugins
COPY --chown=airflow:0 dbt_project ./dbt_project
COPY --chown=airflow:0 dags ./dags
COPY --chown=airflow:0 deploy ./deploy

# Pinning apache-airflow to the image's version keeps pip from moving Airflow itself; the
# editable install keeps one copy of the library, the one Airflow's plugins folder points at.
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" \
        --constraint constraints.txt --editable . \
    && python -c "import claude_compliance, compliance_simulator, scanners" \
    && claude-compliance --help >/dev/null

ENV CLAUDE_COMPLIANCE_HOME=/opt/claude-compliance/var \
    CLAUDE_COMPLIANCE_DBT_PROJECT_DIR=/opt/claude-compliance/dbt_project \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/claude-compliance/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/claude-compliance/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False
