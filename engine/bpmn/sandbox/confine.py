"""Operating-system limits for a script runner: rlimits for memory and CPU, seccomp for everything else.

Applied by the runner itself once it has imported all it needs and before it reads the first script;
from then on the kernel refuses the process any file, socket, new process, signal or limit change.
"""
from __future__ import annotations

import errno
import resource

# System calls a runner never needs after start-up. Any of them would reach outside the matter's data
# (files, network, other processes, the kernel) or undo these limits.
DENIED = (
    "open", "openat", "openat2", "creat", "open_by_handle_at", "name_to_handle_at", "memfd_create",
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg", "sendmmsg",
    "recvfrom", "recvmsg", "recvmmsg",
    "execve", "execveat", "fork", "vfork", "clone", "clone3", "unshare", "setns",
    "kill", "tkill", "tgkill", "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "ptrace",
    "process_vm_readv", "process_vm_writev",
    "setrlimit", "prlimit64", "setpriority", "personality", "prctl", "seccomp",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "mknod", "mknodat",
    "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "link", "linkat", "symlink",
    "symlinkat", "truncate", "ftruncate", "fallocate", "utime", "utimes", "utimensat", "futimesat",
    "chdir", "fchdir", "chroot", "pivot_root", "mount", "umount2", "swapon", "swapoff", "reboot",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "setfsuid", "setfsgid",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "init_module", "finit_module", "delete_module", "kexec_load",
    "acct", "settimeofday", "clock_settime", "adjtimex", "sethostname", "setdomainname", "ioperm", "iopl",
    "fanotify_init", "inotify_init", "inotify_init1", "mq_open", "msgget", "semget", "shmget", "syslog",
    "quotactl", "lookup_dcookie", "vhangup", "ioctl",
)


class ConfinementFailed(Exception):
    """The kernel would not confine the runner: it must not run scripts."""


def confine(memory_bytes: int, cpu_seconds: int) -> None:
    """Limit address space and CPU time, forbid writes and new processes, then load the seccomp filter."""
    try:
        import pyseccomp as seccomp
    except ImportError as exc:  # fail closed: no filter, no scripts
        raise ConfinementFailed(f"pyseccomp is not available: {exc}") from None
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in DENIED:
            try:
                rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
            except (ValueError, RuntimeError, OSError):
                continue  # a call this architecture does not have
        rules.load()  # sets no_new_privs first, so the filter holds for this process for good
    except Exception as exc:  # any failure to load means an unconfined runner: refuse to go on
        raise ConfinementFailed(f"seccomp filter could not be loaded: {exc}") from None
