
# Persistent data volume, mounted at {{mount_point}} and kept across instance replacements.
# Terraform attaches it only once the instance runs, so wait for it. On Nitro instances it shows up as
# /dev/nvmeXn1: udev links it by volume ID under /dev/disk/by-id, and ec2-utils under the requested name.
volume_id='{{volume_id}}'
mount_point='{{mount_point}}'
fstab=/etc/fstab
by_id=/dev/disk/by-id
candidates=("$by_id/nvme-Amazon_Elastic_Block_Store_${volume_id/-/}" '{{device}}')
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

uuid=$(blkid -s UUID -o value "$device")
mkdir -p "$mount_point"
grep -q "^UUID=$uuid " "$fstab" || echo "UUID=$uuid $mount_point auto defaults,nofail 0 2" >> "$fstab"
mountpoint -q "$mount_point" || mount "$mount_point"

# Services that keep data here are placed only on instances that have it mounted.
echo 'ECS_INSTANCE_ATTRIBUTES={"{{attribute}}":"mounted"}' >> "$ecs_config"
