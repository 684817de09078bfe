# sockgrade in a container: students on macOS and Windows self-check with it, and it is
# the image PrairieLearn's external grader runs (ci/prairielearn/README.md).
#   docker build -t sockgrade .
#   docker run --rm -v "$PWD:/work" sockgrade check /work echo_server
# Without --privileged, Docker refuses new namespaces: sockgrade then grades as in
# Gradescope or PrairieLearn and names, per behaviour, what it could not grade there.
FROM python:3.11-slim-bookworm
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      gcc libc6-dev make \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md /opt/sockgrade/
COPY harness /opt/sockgrade/harness
COPY specs /opt/sockgrade/specs
RUN pip install --no-cache-dir /opt/sockgrade && rm -rf /opt/sockgrade
COPY ci/prairielearn/run /usr/local/bin/sockgrade-prairielearn
WORKDIR /work
ENTRYPOINT ["sockgrade"]
CMD ["--help"]
