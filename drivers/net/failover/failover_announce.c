/* SPDX-License-Identifier: BSD-3-Clause */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>

#include <rte_alarm.h>
#include <rte_arp.h>
#include <rte_ether.h>

#include "failover_private.h"

/*
 * When the active path changes, the new one tells the network where the
 * port's MAC address now is: a broadcast RARP frame from that address,
 * sent through the kernel netdev behind the new active sub-device. The
 * host's switch (a bridge, a NIC's embedded switch) learns the new port at
 * once, instead of sending to the old one until the application's next
 * frame or its ageing. Without it a leaving VF whose host port stays up
 * loses what the host sends until the host deletes the device, which the
 * guest's ejection delays by hundreds of milliseconds. RARP needs no IP
 * address, which a PMD does not know; QEMU's self-announce and OVS's
 * active-backup bonds send the same kind of frame.
 *
 * args.announce frames, FO_ANNOUNCE_GAP_US apart, from an EAL alarm: the
 * switch may happen in an event callback, without the control lock that
 * guards the sub-device's netdev name.
 */
#define FO_ANNOUNCE_GAP_US 100000
#define FO_ANNOUNCE_RETRY_US 1000
#define FO_ANNOUNCE_LEN 60 /* the shortest Ethernet frame, less the FCS */
#define FO_ETHER_TYPE_RARP 0x8035
#define FO_RARP_REQUEST_REVERSE 3

/* The frame: RFC 903, the sender's hardware address as both addresses. */
static void
fo_announce_frame(uint8_t *f, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_arp_hdr *rarp = (struct rte_arp_hdr *)(eth + 1);

	memset(f, 0, FO_ANNOUNCE_LEN);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	rte_ether_addr_copy(mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(FO_ETHER_TYPE_RARP);
	rarp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	rarp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	rarp->arp_hlen = RTE_ETHER_ADDR_LEN;
	rarp->arp_plen = 4;
	rarp->arp_opcode = rte_cpu_to_be_16(FO_RARP_REQUEST_REVERSE);
	rte_ether_addr_copy(mac, &rarp->arp_data.arp_sha);
	rte_ether_addr_copy(mac, &rarp->arp_data.arp_tha);
}

/* One frame out of netdev ifname, as the kernel sends its own. 0 or -errno. */
static int
fo_announce_send(const char *ifname, const struct rte_ether_addr *mac)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(FO_ETHER_TYPE_RARP),
		.sll_halen = RTE_ETHER_ADDR_LEN,
	};
	uint8_t frame[FO_ANNOUNCE_LEN];
	int fd, ret = 0;

	to.sll_ifindex = (int)if_nametoindex(ifname);
	if (to.sll_ifindex == 0)
		return -ENODEV;
	memset(to.sll_addr, 0xff, RTE_ETHER_ADDR_LEN);
	fo_announce_frame(frame, mac);
	/* Protocol 0: this socket receives nothing. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void
fo_announce_alarm(void *arg)
{
	struct fo_private *priv = arg;
	struct fo_sub *sub;
	int ret;

	if (__atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE))
		return;
	if (pthread_mutex_trylock(&priv->lock) != 0) {
		rte_eal_alarm_set(FO_ANNOUNCE_RETRY_US, fo_announce_alarm, priv);
		return;
	}
	if (__atomic_load_n(&priv->announce_left, __ATOMIC_ACQUIRE) == 0 ||
	    priv->active == FO_PATH_NONE) {
		__atomic_store_n(&priv->announce_left, 0, __ATOMIC_RELEASE);
		fo_unlock(priv);
		return;
	}
	sub = fo_sub_of(priv, priv->active);
	if (sub->ifname[0] == '\0') {
		/* A PMD with no kernel netdev (a VF bound to vfio-pci): nothing to send by. */
		__atomic_store_n(&priv->announce_left, 0, __ATOMIC_RELEASE);
		fo_unlock(priv);
		return;
	}
	ret = fo_announce_send(sub->ifname, &priv->dev->data->mac_addrs[0]);
	if (ret < 0) {
		FO_LOG(WARNING, priv, "%s: cannot announce the MAC address on %s: %s",
		       fo_rules_path_name(sub->path), sub->ifname, strerror(-ret));
		__atomic_store_n(&priv->announce_left, 0, __ATOMIC_RELEASE);
	} else {
		priv->announce_count++;
		if (__atomic_sub_fetch(&priv->announce_left, 1, __ATOMIC_ACQ_REL) > 0)
			rte_eal_alarm_set(FO_ANNOUNCE_GAP_US, fo_announce_alarm, priv);
		FO_LOG(DEBUG, priv, "%s: MAC address announced on %s",
		       fo_rules_path_name(sub->path), sub->ifname);
	}
	fo_unlock(priv);
}

/*
 * The active path changed to a sub-device: announce on it, from the start.
 * Called with paths_lock held, with or without the control lock.
 */
void
fo_announce_start(struct fo_private *priv)
{
	if (priv->args.announce == 0 || __atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE))
		return;
	rte_eal_alarm_cancel(fo_announce_alarm, priv);
	__atomic_store_n(&priv->announce_left, priv->args.announce, __ATOMIC_RELEASE);
	rte_eal_alarm_set(1, fo_announce_alarm, priv);
}

/* Closing: no announcement is pending or being sent when this returns. */
void
fo_announce_stop(struct fo_private *priv)
{
	rte_eal_alarm_cancel(fo_announce_alarm, priv);
}
