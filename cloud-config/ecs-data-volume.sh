
# Persistent data volume {{volume_id}}, kept across instance replacements and mounted at {{mount_point}} on
# every boot by data-volume.service (data-volume.sh), before the ECS agent starts. The agent requires it: without
# the volume the agent does not start, so db is never placed where its data would land on the root disk.
command -v mkfs.xfs >/dev/null || dnf install -y -q xfsprogs
cat > /usr/local/sbin/data-volume.sh <<'SCRIPT'
{{data_volume_script}}
SCRIPT
chmod 0755 /usr/local/sbin/data-volume.sh
cat > /etc/systemd/system/data-volume.service <<'UNIT'
[Unit]
Description=Persistent data volume at {{mount_point}}
Before=ecs.service

[Service]
Type=oneshot
RemainAfterExit=true
ExecStart=/usr/local/sbin/data-volume.sh {{volume_id}} {{device}} {{mount_point}}

[Install]
RequiredBy=ecs.service
UNIT
systemctl daemon-reload
systemctl enable --now data-volume.service

# Services that keep data here are placed only on instances that have it mounted.
echo 'ECS_INSTANCE_ATTRIBUTES={"{{attribute}}":"mounted"}' >> "$ecs_config"
