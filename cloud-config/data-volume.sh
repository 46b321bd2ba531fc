#!/bin/bash
# Mounts a persistent EBS volume: data-volume.sh VOLUME_ID DEVICE_NAME MOUNT_POINT.
# Run on every boot by a systemd unit that the service using the volume requires (the ECS agent, dockerd): if the
# volume cannot be mounted, that service does not start, so nothing writes its data to the root disk instead.
set -euo pipefail
volume_id=$1
device_name=$2
mount_point=$3
by_id=/dev/disk/by-id

# Terraform attaches the volume only once the instance runs, so wait for it. On Nitro instances it shows up as
# /dev/nvmeXn1: udev links it by volume ID under /dev/disk/by-id, and some images also under the requested name.
candidates=("$by_id/nvme-Amazon_Elastic_Block_Store_${volume_id/-/}" "$device_name")
device=""
for _ in $(seq 1 120); do
  for candidate in "${candidates[@]}"; do
    if [ -b "$candidate" ]; then
      device=$(readlink -f "$candidate")
      break 2
    fi
  done
  sleep 5
done
if [ -z "$device" ]; then
  echo "data volume $volume_id was not attached within 10 minutes" >&2
  exit 1
fi

# Format only a blank device: blkid -p exits 2 when it finds no filesystem and no partition table.
# Any other answer (0: something is there, 8: ambiguous, 4: error) means hands off.
probe=0
blkid -p "$device" >/dev/null 2>&1 || probe=$?
if [ "$probe" -eq 2 ]; then
  mkfs.xfs -L data "$device"
elif [ "$probe" -ne 0 ]; then
  echo "cannot tell whether $device is blank (blkid -p exit $probe); not formatting it" >&2
  exit 1
fi

if ! mountpoint -q "$mount_point"; then
  mkdir -p "$mount_point"
  mount "$device" "$mount_point"
fi

# A raised dataVolume.sizeGiB grows the volume, not its file system: take the new space (a no-op otherwise).
fs_type=$(blkid -s TYPE -o value "$device")
case "$fs_type" in
  xfs) xfs_growfs -d "$mount_point" >/dev/null ;;
  ext2 | ext3 | ext4) resize2fs "$device" >/dev/null 2>&1 ;;
  *) echo "not growing $device: no grow tool for file system type '$fs_type'" >&2 ;;
esac
