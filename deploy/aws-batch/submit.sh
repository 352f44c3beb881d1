#!/usr/bin/env sh
# Submit the sweep as an AWS Batch array job of 8 children, then merge the shards.
# Each child gets AWS_BATCH_JOB_ARRAY_INDEX (0 … size−1) and AWS_BATCH_JOB_ARRAY_SIZE, which
# `scalesim sweep --shard auto` reads: https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html
set -eu
aws batch register-job-definition --cli-input-json file://deploy/aws-batch/job-definition.json
JOB_ID=$(aws batch submit-job --job-name scalesim-sweep --job-queue my-fargate-queue \
  --job-definition scalesim-sweep --array-properties size=8 --query jobId --output text)
echo "array job $JOB_ID; when it has SUCCEEDED:"
echo "  aws s3 sync s3://my-bucket/sweeps/$JOB_ID/ results/$JOB_ID/"
echo "  scalesim merge results/$JOB_ID/shard-* --out results/$JOB_ID/merged"
