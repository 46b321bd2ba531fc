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
  # What the directory already holds (a host that ran before it had this volume) moves onto the new file system
  # first: mounting over it would hide that data from everything that reads the directory.
  if [ -d "$mount_point" ] && ! mountpoint -q "$mount_point" && [ -n "$(ls -A "$mount_point")" ]; then
    staging=$(mktemp -d)
    mount "$device" "$staging"
    cp -a "$mount_point/." "$staging/"
    umount "$staging"
    rmdir "$staging"
    echo "copied the existing contents of $mount_point onto data volume $volume_id" >&2
  fi
elif [ "$probe" -ne 0 ]; then
  echo "cannot tell whether $device is blank (blkid -p exit $probe); not formatting it" >&2
  exit 1
fi

if mountpoint -q "$mount_point"; then
  # Mounted already (a second run in one boot): only by this volume will do.
  source=$(readlink -f "$(findmnt -n -o SOURCE --mountpoint "$mount_point")")
  if [ "$source" != "$device" ]; then
    echo "$mount_point is mounted from $source, not from data volume $volume_id ($device)" >&2
    exit 1
  fi
else
  mkdir -p "$mount_point"
  mount "$device" "$mount_point"
fi

# A raised dataVolume.sizeGiB grows the volume, not its file system: take the new space (a no-op otherwise).
fs_type=$(blkid -s TYPE -o value "$device" || true)
case "$fs_type" in
  xfs) xfs_growfs -d "$mount_point" >/dev/null ;;
  ext2 | ext3 | ext4) resize2fs "$device" >/dev/null 2>&1 ;;
  *) echo "not growing $device: no grow tool for file system type '$fs_type'" >&2 ;;
esac
