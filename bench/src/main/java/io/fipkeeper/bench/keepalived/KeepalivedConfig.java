package io.fipkeeper.bench.keepalived;

import java.util.List;
import java.util.stream.Collectors;

/**
 * keepalived's configuration for one node, following Hetzner's community tutorial "Implementation of a Cloud HA
 * infrastructure with Keepalived" (configure-cloud-ha-keepalived): unicast VRRP between the node addresses
 * (Hetzner's network carries no multicast), {@code state MASTER} / priority 200 on the preferred node and
 * {@code BACKUP} with lower priorities elsewhere, default advert_int (1 s) and preemption (the master takes the
 * IP back when it returns), PASS authentication, and a {@code notify_master} script that assigns the floating IP
 * to this server, retrying up to 10 times 3 s apart. The tutorial's script calls a small Go tool; ours makes the
 * same API call with curl. Unlike the tutorial the floating IP is also keepalived's virtual address, so the
 * address follows VRRP state.
 *
 * @param priority VRRP priority (higher wins; the highest-priority node starts as MASTER)
 * @param notifyScript path of the script keepalived calls with {@code master|backup|fault|stop}
 */
public record KeepalivedConfig(
    String node,
    String address,
    List<String> peers,
    int priority,
    int advertInt,
    String floatingIp,
    String notifyScript) {

  public String render() {
    String peerLines = peers.stream().map(p -> "    " + p).collect(Collectors.joining("\n"));
    return """
        global_defs {
          router_id %1$s
          script_user root
        }

        vrrp_instance fip {
          state %2$s
          interface eth0
          virtual_router_id 30
          priority %3$d
          advert_int %4$d
          authentication {
            auth_type PASS
            auth_pass fipkeepr
          }
          unicast_src_ip %5$s
          unicast_peer {
        %6$s
          }
          virtual_ipaddress {
            %7$s/32 dev eth0
          }
          notify_master "%8$s master"
          notify_backup "%8$s backup"
          notify_fault "%8$s fault"
          notify_stop "%8$s stop"
        }
        """.formatted(node, priority >= 200 ? "MASTER" : "BACKUP", priority, advertInt, address, peerLines,
        floatingIp, notifyScript);
  }

  /**
   * The notify script. Every call logs one line in the agent log format the checker reads
   * ({@code state from=keepalived to=LEADING|STANDBY|FAULT|STOPPED event=notify_<what>}); {@code master} then
   * assigns the floating IP with the tutorial's retry loop (10 tries, 3 s apart).
   *
   * @param log the notify log file
   * @param tokenFile file holding the API token (read at run time, never written into the script)
   */
  public static String notifyScript(String node, String log, String tokenFile, String assignUrl, long serverId) {
    return """
        #!/bin/sh
        # keepalived notify: $1 = master | backup | fault | stop
        case "$1" in
          master) to=LEADING ;;
          backup) to=STANDBY ;;
          fault) to=FAULT ;;
          *) to=STOPPED ;;
        esac
        stamp() { date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%3NZ; }
        echo "$(stamp) INFO  [notify] keepalived - state from=keepalived to=$to event=notify_$1 node=%1$s" >> %2$s
        [ "$1" = master ] || exit 0
        TOKEN=$(cat %3$s)
        n=0
        while [ $n -lt 10 ]; do
          code=$(curl -s -o /dev/null -w '%%{http_code}' -m 5 -X POST -H "Authorization: Bearer $TOKEN" \\
            -H "Content-Type: application/json" -d '{"server":%5$d}' %4$s)
          echo "$(stamp) INFO  [notify] keepalived - assign attempt=$n status=$code node=%1$s" >> %2$s
          [ "$code" = 201 ] && exit 0
          n=$((n+1))
          sleep 3
        done
        exit 1
        """.formatted(node, log, tokenFile, assignUrl, serverId);
  }
}
