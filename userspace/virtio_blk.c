// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.2, 5.2) on a raw file or block device: `lvmm run
 * --disk FILE[,readonly]`. One request queue, served on the device's
 * thread with preadv()/pwritev() straight into guest memory; flush is
 * fdatasync(). A read-only disk says so (VIRTIO_BLK_F_RO) and fails a
 * write with IOERR should the driver send one anyway. Each disk has a
 * serial (GET_ID), "lvmmN-" and the file's name.
 *
 * A request: a 16-byte header (type, sector) in readable buffers, the data
 * (readable for a write, writable for a read), and a status byte, the last
 * writable byte. Framing is not assumed beyond that.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_blk.h>

#include "cli.h"
#include "virtio_pci.h"

#define BLK_QUEUE_SIZE	128
#define BLK_SEG_MAX	(VIRTQ_MAX_CHAIN - 2)	/* header and status besides */
#define SECTOR		512

struct blk_disk {
	int fd;
	uint64_t sectors;
	bool readonly;
	char serial[VIRTIO_BLK_ID_BYTES];
};

/*
 * The buffers of @c from byte @skip of those of kind @writable, @len bytes
 * of them, as an iovec array; the number of entries.
 */
static int iov_of(const struct virtq_chain *c, bool writable, uint64_t skip,
		  uint64_t len, struct iovec *iov)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < c->n && len; i++) {
		uint64_t l = c->buf[i].len;

		if (c->buf[i].writable != writable)
			continue;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		iov[n].iov_base = c->buf[i].addr + skip;
		iov[n].iov_len = l;
		n++;
		len -= l;
		skip = 0;
	}
	return n;
}

static bool in_disk(const struct blk_disk *d, uint64_t sector, uint64_t len)
{
	return sector <= d->sectors && len <= (d->sectors - sector) * SECTOR;
}

/* Copy @len bytes between @p and the chain's buffers of one kind. */
static uint64_t copy_chain(const struct virtq_chain *c, bool writable,
			   uint8_t *p, uint64_t len)
{
	struct iovec iov[VIRTQ_MAX_CHAIN];
	uint64_t done = 0;
	int i, n = iov_of(c, writable, 0, len, iov);

	for (i = 0; i < n; i++) {
		if (writable)
			memcpy(iov[i].iov_base, p + done, iov[i].iov_len);
		else
			memcpy(p + done, iov[i].iov_base, iov[i].iov_len);
		done += iov[i].iov_len;
	}
	return done;
}

/* One request: its status; *@written, the bytes put in writable buffers. */
static uint8_t serve(struct blk_disk *d, const struct virtq_chain *c,
		     uint32_t *written)
{
	struct iovec iov[VIRTQ_MAX_CHAIN];
	struct virtio_blk_outhdr h;
	uint64_t len;
	int n;

	*written = 0;
	if (copy_chain(c, false, (uint8_t *)&h, sizeof(h)) != sizeof(h))
		return VIRTIO_BLK_S_IOERR;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		len = c->writable - 1;		/* all but the status byte */
		if (!in_disk(d, h.sector, len))
			return VIRTIO_BLK_S_IOERR;
		n = iov_of(c, true, 0, len, iov);
		if (preadv(d->fd, iov, n, h.sector * SECTOR) != (ssize_t)len)
			return VIRTIO_BLK_S_IOERR;
		*written = len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		len = c->readable - sizeof(h);
		if (d->readonly || !in_disk(d, h.sector, len))
			return VIRTIO_BLK_S_IOERR;
		n = iov_of(c, false, sizeof(h), len, iov);
		return pwritev(d->fd, iov, n, h.sector * SECTOR) == (ssize_t)len ?
		       VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_FLUSH:
		return d->readonly || !fdatasync(d->fd) ? VIRTIO_BLK_S_OK :
							  VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_GET_ID:
		len = c->writable - 1;
		if (len > sizeof(d->serial))
			len = sizeof(d->serial);
		*written = copy_chain(c, true, (uint8_t *)d->serial, len);
		return VIRTIO_BLK_S_OK;
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* The status byte: the last writable byte of the chain. */
static uint8_t *status_byte(const struct virtq_chain *c)
{
	int i;

	for (i = c->n - 1; i >= 0; i--)
		if (c->buf[i].writable && c->buf[i].len)
			return c->buf[i].addr + c->buf[i].len - 1;
	return NULL;
}

static void blk_notify(struct virtio_dev *dev, unsigned int q)
{
	struct blk_disk *d = dev->priv;
	struct virtq *vq = &dev->vq[q];
	struct virtq_chain c;
	unsigned int pushed = 0;
	uint32_t written;
	uint8_t *status;
	int ret;

	while ((ret = virtq_pop(vq, &c)) == 1) {
		status = status_byte(&c);
		if (!status) {
			virtio_pci_broken(dev, q, "a request without a status byte");
			return;
		}
		*status = serve(d, &c, &written);
		virtq_push(vq, c.head, written + 1);
		pushed++;
	}
	if (ret < 0)
		virtio_pci_broken(dev, q, vq->broken);
	else if (pushed)
		virtio_pci_interrupt(dev, q);
}

static void blk_config_read(struct virtio_dev *dev, unsigned int off,
			    uint8_t *data, unsigned int len)
{
	struct blk_disk *d = dev->priv;
	struct virtio_blk_config cfg = {
		.capacity = d->sectors,
		.seg_max = BLK_SEG_MAX,
		.blk_size = SECTOR,
	};

	memcpy(data, (uint8_t *)&cfg + off, len);
}

const struct virtio_dev_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = 2,
	.class_rev = 0x018000 << 8 | 1,	/* mass storage, other */
	.features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
		    1ULL << VIRTIO_BLK_F_FLUSH,
	.num_queues = 1,
	.queue_max = BLK_QUEUE_SIZE,
	.queue_notify = blk_notify,
	.config_size = sizeof(struct virtio_blk_config),
	.config_read = blk_config_read,
};

int virtio_blk_open(struct virtio_dev *dev, const char *spec, int index)
{
	char *path = strdup(spec), *opt = strchr(path, ',');
	struct blk_disk *d = calloc(1, sizeof(*d));
	struct stat st;
	uint64_t size;

	if (!path || !d)
		return CLI_OSERR;
	if (opt) {
		*opt++ = '\0';
		if (strcmp(opt, "readonly")) {
			fprintf(stderr, "lvmm run: --disk %s: unknown option '%s' (readonly is the one there is)\n",
				spec, opt);
			return CLI_USAGE;
		}
		d->readonly = true;
	}
	if (!*path) {
		fprintf(stderr, "lvmm run: --disk '%s': no file named\n", spec);
		return CLI_USAGE;
	}
	d->fd = open(path, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		fprintf(stderr, "lvmm run: --disk %s: %s\n", path, strerror(errno));
		return errno == EACCES || errno == EPERM ? CLI_NOPERM : CLI_NOINPUT;
	}
	size = st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(d->fd, BLKGETSIZE64, &size)) {
		fprintf(stderr, "lvmm run: --disk %s: BLKGETSIZE64: %s\n", path,
			strerror(errno));
		return CLI_NOINPUT;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "lvmm run: --disk %s: not a file or block device\n", path);
		return CLI_NOINPUT;
	}
	d->sectors = size / SECTOR;
	snprintf(d->serial, sizeof(d->serial), "lvmm%d-%s", index, basename(path));
	dev->priv = d;
	dev->features = d->readonly ? 1ULL << VIRTIO_BLK_F_RO : 0;
	return 0;
}
