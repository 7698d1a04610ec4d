#!/bin/bash
# Runs on every EMR node before Spark starts. The load job reads the warehouse secret and fetches
# long job specs with boto3 (docs/aws.md, section 3), so the cluster's Python must be able to import it.
set -euo pipefail
python3 -c 'import boto3' 2>/dev/null || sudo python3 -m pip install --quiet boto3
