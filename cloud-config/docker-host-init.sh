#!/bin/bash
# Prepares the Docker host for its containers; run once per boot by host-init.service, before dockerd.
set -euo pipefail

# Elasticsearch refuses to start on a host with fewer memory map areas than this.
echo 'vm.max_map_count = 262144' > /etc/sysctl.d/90-containers.conf
sysctl --quiet --load=/etc/sysctl.d/90-containers.conf
