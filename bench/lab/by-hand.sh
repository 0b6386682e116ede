#!/usr/bin/env bash
# The peer for bench/lab: the same virtual cluster made by hand with iproute2, util-linux
# unshare/nsenter and the same cached Debian root, the way an administrator scripts it:
# per node a namespace, a veth into the bridge, an overlay root, udhcpc and sshd.
# Usage: by-hand.sh up|down NODES ROOTFS WORKDIR   (root; addresses in 198.51.100.0/24 only)
set -euo pipefail
action=$1 nodes=$2 rootfs=$3 work=$4
p=hb  # namespace prefix of this script

up() {
  mkdir -p "$work"
  ip netns add $p-sw
  ip -n $p-sw link add br0 type bridge
  ip -n $p-sw link set br0 up
  ip netns add $p-fe
  ip -n $p-sw link add fe type veth peer name eth0 netns $p-fe
  ip -n $p-sw link set fe master br0 up
  ip -n $p-fe addr add 198.51.100.1/24 dev eth0
  ip -n $p-fe link set eth0 up
  : > "$work/dnsmasq.conf"
  echo "dhcp-range=198.51.100.0,static,255.255.255.0" >> "$work/dnsmasq.conf"
  for k in $(seq 0 $((nodes - 1))); do
    printf 'dhcp-host=02:48:00:00:00:%02x,198.51.100.%d\n' "$k" $((10 + k)) >> "$work/dnsmasq.conf"
  done
  ip netns exec $p-fe dnsmasq -C "$work/dnsmasq.conf" --no-resolv --no-hosts --port=0 \
    --pid-file="$work/dnsmasq.pid" --dhcp-leasefile="$work/leases"
  cat > "$work/dhcp.sh" <<'S'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface"
exit 0
S
  chmod +x "$work/dhcp.sh"
  for k in $(seq 0 $((nodes - 1))); do
    n=$work/n$k
    mkdir -p "$n/up/root/.ssh" "$n/up/usr/local/sbin" "$n/up/etc/ssh" "$n/work" "$n/root"
    cp "$work/dhcp.sh" "$n/up/usr/local/sbin/dhcp"
    ssh-keygen -q -t ed25519 -N '' -f "$n/up/etc/ssh/ssh_host_ed25519_key"
    ip netns add $p-n$k
    ip -n $p-sw link add n$k type veth peer name eth0 netns $p-n$k address "$(printf '02:48:00:00:00:%02x' "$k")"
    ip -n $p-sw link set n$k master br0 up
    # The holder: new UTS, mount and PID namespaces, overlay root, pivot_root, then wait.
    ip netns exec $p-n$k unshare --uts --mount --pid --fork --ipc --mount-proc=/proc sh -c "
      mount --make-rprivate /
      mount -t overlay overlay -o lowerdir=$rootfs,upperdir=$n/up,workdir=$n/work $n/root
      mount -t proc proc $n/root/proc; mount -t tmpfs tmpfs $n/root/run
      mount -t tmpfs tmpfs $n/root/dev; for d in null zero random urandom; do touch $n/root/dev/\$d; mount --bind /dev/\$d $n/root/dev/\$d; done
      hostname n$k; cd $n/root; mkdir -p .old; pivot_root . .old; umount -l /.old
      echo \$\$ > /run/holder; exec sleep infinity" </dev/null >"$n/holder.log" 2>&1 &
    echo $! > "$n/unshare.pid"
  done
  boots=()
  for k in $(seq 0 $((nodes - 1))); do
    n=$work/n$k
    # The holder is the unshare's child; wait for it to exist (a readiness check, not a guess).
    until holder=$(pgrep -P "$(cat "$n/unshare.pid")" 2>/dev/null) && [ -e "/proc/$holder/root/run/holder" ]; do sleep 0.01; done
    echo "$holder" > "$n/holder.pid"
    nsenter -t "$holder" -a sh -c 'ip link set lo up; ip link set eth0 up;
      busybox udhcpc -q -i eth0 -s /usr/local/sbin/dhcp -t 20 -T 1 -A 1 -n >/dev/null 2>&1;
      mkdir -p /run/sshd; /usr/sbin/sshd -o UsePAM=no -o HostKey=/etc/ssh/ssh_host_ed25519_key' &
    boots+=($!)
  done
  wait "${boots[@]}"  # the boots only: the holders run on
}

down() {
  for pidfile in "$work"/n*/holder.pid "$work/dnsmasq.pid"; do
    [ -e "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^$p-" || true); do ip netns del "$ns"; done
  rm -rf "$work"
}

"$action"
