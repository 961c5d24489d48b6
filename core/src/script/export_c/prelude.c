static int strlen_(const char *s) { int n = 0; while (s[n]) n++; return n; }
static char *strchr_(char *s, int c) { while (*s && *s != c) s++; return s; }

/* Window messages taken from the thread's queue, per window, in arrival order. */
typedef struct { int w; UINT msg; WPARAM wp; LPARAM lp; } Msg;
#define QCAP 4096
static Msg q[QCAP];
static int qn;
static Msg arrived[QCAP];
static int arrivedn;
static HWND win[NWIN];
static SOCKET sock[NVAR];
static WSAEVENT evt[NVAR];
static int failures;

/* The result of the statement being run, and its check. */
static struct {
    int set, failed, err, has_msg, has_from, len, on, secs;
    unsigned long val;
    char text[160];
    char *buf;
    Msg msg;
    struct sockaddr_in from;
} R;
static int chk = -1;
static const char *chk_want;

/* The watchdog: a blocking call that has not returned after BLOCK_MS ends the run, or, for
   a call the scenario expects to be cancelled (WSAEINTR), closes its socket once. */
static volatile LONG watch_line;
static volatile DWORD watch_start;
static volatile SOCKET watch_cancel = INVALID_SOCKET;

static DWORD WINAPI watchdog(LPVOID unused) {
    (void)unused;
    for (;;) {
        LONG line = watch_line;
        Sleep(20);
        if (line == 0 || line != watch_line || GetTickCount() - watch_start < BLOCK_MS) continue;
        if (watch_cancel != INVALID_SOCKET) {
            SOCKET s = watch_cancel;
            watch_cancel = INVALID_SOCKET;
            watch_start = GetTickCount();
            fprintf(stderr, "line %ld: still blocked after %d ms: closing the socket to cancel the call\n", line, BLOCK_MS);
            closesocket(s);
            continue;
        }
        fflush(stdout);
        printf("{\"line\":%ld,\"host\":null,\"kind\":\"watchdog\",\"action\":\"a blocking call did not return within %d ms\",\"result\":null,\"error\":null,\"messages\":[]}\n", line, BLOCK_MS);
        fflush(stdout);
        fprintf(stderr, "line %ld: a blocking call did not return within %d ms; the watchdog ends the run\n", line, BLOCK_MS);
        ExitProcess(3);
    }
}

static void watch(int line, SOCKET cancel) {
    watch_cancel = cancel;
    watch_start = GetTickCount();
    watch_line = line;
}

static const char *err_name(int code) {
    static char other[16];
    int i;
    for (i = 0; i < (int)(sizeof SIM_ERRS / sizeof SIM_ERRS[0]); i++)
        if (SIM_ERRS[i].code == code) return SIM_ERRS[i].name;
    sprintf(other, "%d", code);
    return other;
}

/* FD_* flags as text: "FD_READ|FD_CLOSE", or "0". */
static const char *fd_names(long ev) {
    static char t[200];
    int i, n = 0;
    t[0] = 0;
    for (i = 0; i < 10; i++)
        if (ev & (1L << i)) n += sprintf(t + n, "%s%s", n ? "|" : "", SIM_FDS[i]);
    if (!n) sprintf(t, "0");
    return t;
}

/* The script's name of a socket: of several variables holding it, the last in name order. */
static const char *sock_name(SOCKET s) {
    static char t[32];
    const char *name = 0;
    int i;
    for (i = 0; i < NVAR; i++)
        if (SIM_VARKIND[SIM_VARORDER[i]] == 'S' && sock[SIM_VARORDER[i]] == s) name = SIM_VARNAME[SIM_VARORDER[i]];
    if (name) return name;
    sprintf(t, "#%lu", (unsigned long)s);
    return t;
}

static void msg_text(char *t, const Msg *m) {
    int n = m->msg == WM_USER ? sprintf(t, "WM_USER") : m->msg > WM_USER && m->msg < 0x8000 ? sprintf(t, "WM_USER+%u", m->msg - WM_USER) : sprintf(t, "0x%04x", m->msg);
    int e = WSAGETSELECTERROR(m->lp);
    n += sprintf(t + n, "(%s, %s, ", sock_name((SOCKET)m->wp), fd_names(WSAGETSELECTEVENT(m->lp)));
    sprintf(t + n, "%s)", e ? err_name(e) : "0");
}

static void jstr(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

static int win_of(HWND h) {
    int i;
    for (i = 0; i < NWIN; i++)
        if (win[i] && win[i] == h) return i;
    return -1;
}

/* Takes every message now in the thread's queue; returns how many were socket messages. */
static int drain(void) {
    MSG m;
    int n = 0;
    while (PeekMessageA(&m, NULL, 0, 0, PM_REMOVE)) {
        int w = win_of(m.hwnd);
        if (w < 0 || m.message < WM_USER || qn == QCAP || arrivedn == QCAP) {
            DispatchMessageA(&m);
            continue;
        }
        q[qn].w = w, q[qn].msg = m.message, q[qn].wp = m.wParam, q[qn].lp = m.lParam;
        arrived[arrivedn++] = q[qn++];
        n++;
    }
    return n;
}

static int queued(int w) {
    int i;
    for (i = 0; i < qn; i++)
        if (q[i].w == w) return i;
    return -1;
}

/* Pumps messages for at most `total` ms; with `quiet`, stops once none has arrived for
   SETTLE_MS; with `w` >= 0, stops as soon as window w has one. */
static void pump(DWORD total, int quiet, int w) {
    DWORD start = GetTickCount(), last = start;
    for (;;) {
        DWORD now, wait;
        if (drain()) last = GetTickCount();
        if (w >= 0 && queued(w) >= 0) return;
        now = GetTickCount();
        if (now - start >= total || (quiet && now - last >= SETTLE_MS)) return;
        wait = total - (now - start);
        if (quiet && SETTLE_MS - (now - last) < wait) wait = SETTLE_MS - (now - last);
        MsgWaitForMultipleObjects(0, NULL, FALSE, wait, QS_ALLINPUT);
    }
}

/* Removes (or only reads) window w's next message into R.msg. */
static int take(int w, int remove) {
    int i = queued(w);
    if (i < 0) return 0;
    R.msg = q[i];
    R.has_msg = 1;
    if (remove) {
        for (; i + 1 < qn; i++) q[i] = q[i + 1];
        qn--;
    }
    return 1;
}

static struct sockaddr_in sin4(int a, int b, int c, int d, int port) {
    struct sockaddr_in s;
    ZeroMemory(&s, sizeof s);
    s.sin_family = AF_INET;
    s.sin_port = htons((u_short)port);
    s.sin_addr.s_addr = htonl(((u_long)a << 24) | ((u_long)b << 16) | ((u_long)c << 8) | (u_long)d);
    return s;
}

static char *pattern(int n) {
    char *p = (char *)HeapAlloc(GetProcessHeap(), 0, n + 1);
    int i;
    for (i = 0; i < n; i++) p[i] = (char)('a' + i % 26);
    return p;
}

/* Results: a call returning 0 or SOCKET_ERROR, a count, a socket, received bytes, … */
static void r_int(int r) {
    R.set = 1;
    if (r == SOCKET_ERROR) R.failed = 1, R.err = WSAGetLastError();
    else R.val = (unsigned long)r, sprintf(R.text, "%d", r);
}
static void r_code(int r) {
    R.set = 1;
    if (r) R.failed = 1, R.err = r;
    else sprintf(R.text, "0");
}
static void r_val(int r, unsigned long v) {
    r_int(r);
    if (!R.failed) R.val = v, sprintf(R.text, "%lu", v);
}
static SOCKET r_sock(SOCKET s) {
    R.set = 1;
    if (s == INVALID_SOCKET) R.failed = 1, R.err = WSAGetLastError();
    else sprintf(R.text, "socket %lu", (unsigned long)s);
    return s;
}
static void r_from(void) {
    int i, port = ntohs(R.from.sin_port);
    u_long a = ntohl(R.from.sin_addr.s_addr);
    for (i = 0; i < NHOST; i++)
        if (a == (0x7f000000UL | (u_long)(i + 1))) {
            sprintf(R.text + strlen_(R.text), " from %s:%d", SIM_HOSTIP[i], port);
            return;
        }
    sprintf(R.text + strlen_(R.text), " from %lu.%lu.%lu.%lu:%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, port);
}
static void r_recv(SOCKET s, int len, int flags, int from) {
    int n = sizeof R.from;
    R.buf = (char *)HeapAlloc(GetProcessHeap(), 0, len + 1);
    ZeroMemory(&R.from, sizeof R.from);
    r_int(from ? recvfrom(s, R.buf, len, flags, (struct sockaddr *)&R.from, &n) : recv(s, R.buf, len, flags));
    if (R.failed) return;
    R.len = (int)R.val;
    R.has_from = from;
    if (from) r_from();
}
/* WSARecv and WSARecvFrom, not overlapped: the count comes back through lpNumberOfBytesRecvd. */
static void r_wsarecv(SOCKET s, int len, int flags, int from) {
    WSABUF b;
    DWORD n = 0, f = (DWORD)flags;
    int fl = sizeof R.from;
    R.buf = (char *)HeapAlloc(GetProcessHeap(), 0, len + 1);
    ZeroMemory(&R.from, sizeof R.from);
    b.len = (ULONG)len;
    b.buf = R.buf;
    r_int(from ? WSARecvFrom(s, &b, 1, &n, &f, (struct sockaddr *)&R.from, &fl, NULL, NULL) : WSARecv(s, &b, 1, &n, &f, NULL, NULL));
    if (R.failed) return;
    R.val = n, sprintf(R.text, "%lu", (unsigned long)n);
    R.len = (int)n;
    R.has_from = from;
    if (from) r_from();
}
/* WSASend and WSASendTo, not overlapped: the count comes back through lpNumberOfBytesSent. */
static void r_wsasend(SOCKET s, const char *d, int len, int flags, const struct sockaddr_in *to) {
    WSABUF b;
    DWORD n = 0;
    b.len = (ULONG)len;
    b.buf = (char *)d;
    r_int(to ? WSASendTo(s, &b, 1, &n, (DWORD)flags, (const struct sockaddr *)to, sizeof *to, NULL, NULL) : WSASend(s, &b, 1, &n, (DWORD)flags, NULL, NULL));
    if (!R.failed) R.val = n, sprintf(R.text, "%lu", (unsigned long)n);
}
/* WSAAccept's condition functions: the scenario chooses the answer. The parameters are
 * unused (the build has -Wextra -Werror). */
#define CF_UNUSED (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g, (void)x
static int CALLBACK cf_accept(LPWSABUF a, LPWSABUF b, LPQOS c, LPQOS d, LPWSABUF e, LPWSABUF f, GROUP *g, DWORD_PTR x) { CF_UNUSED; return CF_ACCEPT; }
static int CALLBACK cf_reject(LPWSABUF a, LPWSABUF b, LPQOS c, LPQOS d, LPWSABUF e, LPWSABUF f, GROUP *g, DWORD_PTR x) { CF_UNUSED; return CF_REJECT; }
static int CALLBACK cf_defer(LPWSABUF a, LPWSABUF b, LPQOS c, LPQOS d, LPWSABUF e, LPWSABUF f, GROUP *g, DWORD_PTR x) { CF_UNUSED; return CF_DEFER; }
static void r_getmsg(int w, int remove, int wait) {
    R.set = 1;
    if (queued(w) < 0) {
        if (wait) pump(CAP_MS, 0, w); else drain();
    }
    if (take(w, remove)) msg_text(R.text, &R.msg);
    else sprintf(R.text, "no message");
}
static void r_events(int r, long ev) {
    r_int(r);
    if (!R.failed) R.val = (unsigned long)ev, sprintf(R.text, "%s", fd_names(ev));
}

/* Checks of `=> RESULT`: each sets chk to 1 (as expected) or 0 (not). */
static void want(const char *text, int ok) {
    chk = ok;
    chk_want = text;
    if (!ok) failures++;
}
static void want_failed(const char *t, int err) { want(t, R.failed && (!err || R.err == err)); }
static void want_num(const char *t, unsigned long v) { want(t, !R.failed && R.val == v); }
static void want_linger(const char *t, int on, int secs) { want(t, !R.failed && R.on == on && R.secs == secs); }
static void want_bytes(const char *t, const char *b, int n, int from, struct sockaddr_in a) {
    int ok = !R.failed && R.len == n, i;
    for (i = 0; ok && b && i < n; i++) ok = R.buf[i] == b[i];
    if (ok && from) ok = R.from.sin_addr.s_addr == a.sin_addr.s_addr && R.from.sin_port == a.sin_port;
    want(t, ok);
}
static void want_msg(const char *t, int has, UINT msg, SOCKET s, long ev, int err) {
    want(t, has ? R.has_msg && R.msg.msg == msg && (SOCKET)R.msg.wp == s && WSAGETSELECTEVENT(R.msg.lp) == ev && WSAGETSELECTERROR(R.msg.lp) == err : !R.has_msg);
}

/* `expect W: …`: takes window w's next message, waiting like `run until idle`. */
static void expect_msg(int w) {
    if (queued(w) < 0) pump(CAP_MS, 1, w);
    R.has_msg = take(w, 1);
}

/* Prints the statement's JSON line, with the messages that arrived since the last one. */
static void emit(int line, const char *host, const char *kind, const char *action) {
    int i;
    drain();
    printf("{\"line\":%d,\"host\":", line);
    if (host) jstr(host); else printf("null");
    printf(",\"kind\":\"%s\",\"action\":", kind);
    jstr(action);
    printf(",\"result\":");
    if (!R.set) printf("null,\"error\":null");
    else if (R.failed) printf("\"SOCKET_ERROR\",\"error\":\"%s\"", err_name(R.err));
    else jstr(R.text), printf(",\"error\":null");
    printf(",\"messages\":[");
    for (i = 0; i < arrivedn; i++) {
        char t[200];
        Msg *m = &arrived[i];
        int e = WSAGETSELECTERROR(m->lp);
        msg_text(t, m);
        printf("%s{\"window\":", i ? "," : "");
        jstr(SIM_WINNAME[m->w]);
        *strchr_(t, '(') = 0;
        printf(",\"msg\":\"%s\",\"wparam\":", t);
        jstr(sock_name((SOCKET)m->wp));
        printf(",\"lparam\":\"0x%08lx\",\"event\":\"%s\",\"error\":", (unsigned long)m->lp & 0xffffffffUL, fd_names(WSAGETSELECTEVENT(m->lp)));
        if (e) printf("\"%s\"}", err_name(e)); else printf("null}");
    }
    arrivedn = 0;
    printf("]");
    if (chk >= 0) {
        printf(",\"check\":\"%s\"", chk ? "ok" : "failed");
        if (!chk) {
            char got[200];
            if (R.failed) sprintf(got, "SOCKET_ERROR %s", err_name(R.err));
            else if (R.has_msg || !R.set) { if (R.has_msg) msg_text(got, &R.msg); else sprintf(got, "an empty queue"); }
            else sprintf(got, "%s", R.text);
            printf(",\"expected\":");
            jstr(chk_want);
            printf(",\"got\":");
            jstr(got);
            fprintf(stderr, "%d: expected %s but got %s\n", line, chk_want, got);
        }
    }
    printf("}\n");
    fflush(stdout);
    if (R.buf) HeapFree(GetProcessHeap(), 0, R.buf);
    ZeroMemory(&R, sizeof R);
    chk = -1;
}

static LRESULT CALLBACK wndproc(HWND h, UINT m, WPARAM wp, LPARAM lp) { return DefWindowProcA(h, m, wp, lp); }

static HWND make_window(void) {
    static int registered;
    if (!registered) {
        WNDCLASSA c;
        ZeroMemory(&c, sizeof c);
        c.lpfnWndProc = wndproc;
        c.hInstance = GetModuleHandleA(NULL);
        c.lpszClassName = "wsasim_window";
        registered = RegisterClassA(&c) != 0;
    }
    return CreateWindowExA(0, "wsasim_window", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, GetModuleHandleA(NULL), NULL);
}
