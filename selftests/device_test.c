// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/lvmm: the node itself and the system ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lvmm.h>

#include "kselftest_harness.h"
#include "vmm.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = __vmm_open(LVMM_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s (is lvmm.ko loaded?)",
				      LVMM_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST(node_is_root_only_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(LVMM_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
	EXPECT_EQ(0u, st.st_gid);
}

TEST_F(dev, api_version_is_12)
{
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_rejects_an_argument)
{
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, unknown_ioctls_are_enotty)
{
	static const unsigned long cmds[] = {
		_IO(KVMIO, 0xfe), _IO(LVMMIO, 0xbf), _IOW(LVMMIO, 0xbe, int),
		0, 0xdeadbeef, _IO('T', 1),
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], 0))
			TH_LOG("ioctl 0x%lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("ioctl 0x%lx", cmds[i]);
	}
}

TEST_F(dev, read_and_write_are_refused)
{
	char buf[8];

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
}

TEST(unprivileged_open_is_denied)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (open(LVMM_DEV, O_RDWR) >= 0)
			_exit(3);
		_exit(errno == EACCES ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("2: setuid failed, 3: open succeeded, 4: wrong errno");
}

TEST(many_opens_and_closes)
{
	int fds[256];
	int i;

	for (i = 0; i < 256; i++) {
		fds[i] = __vmm_open(LVMM_DEV);
		ASSERT_LE(0, fds[i]);
		EXPECT_EQ(12, ioctl(fds[i], KVM_GET_API_VERSION, 0));
	}
	for (i = 0; i < 256; i++)
		EXPECT_EQ(0, close(fds[i]));
}

TEST_HARNESS_MAIN
