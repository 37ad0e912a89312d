#!/usr/bin/env bash
# What the Spark engine (analytics/spark.py, `lmt circuits --engine spark`) needs beside
# PySpark from PyPI: a Java 17 runtime, from Debian (openjdk-17-jre-headless).
# Safe to run again: it installs only when no Java 17 or newer is on the PATH.
#
# Usage: tools/spark/install-java.sh
set -euo pipefail

version() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if command -v java >/dev/null 2>&1 && [ "$(version)" -ge 17 ] 2>/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-java: apt-get install openjdk-17-jre-headless"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
