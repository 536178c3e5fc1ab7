/* Optional compiled helpers for the hot loops of large maps.
 *
 * Each function here has a pure-Python twin that stays the reference (and the fallback
 * where this module was not built): `fast_run` is `_FlowParser._fast_run` of
 * conceptmap/parse/flowchart.py with `_FAST_RE` written out by hand; the records are
 * `conceptmap.model.trusted_many`, `trusted_columns` and `trusted_picks` and the parser's
 * own; `line_starts` and `line_marks` are the parser's and markdown.py's line offsets;
 * and `prereq_plan`, `order_plan` and `path_plan` are paths.prerequisites,
 * paths.learning_order and paths.learning_path from the relationships up, on integer
 * slots (where the Python builds paths._Learning's graph of dicts). tests/test_speedups.py (and the parser and
 * path tests) check that each gives its twin's answers (the scanner against the regex,
 * span by span, on generated text; whole parses, learning graphs and answers on random
 * maps).
 *
 * Built by setup.py as an optional extension: a machine without a C compiler installs the
 * package without it, and everything works, only slower.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* The functions and signatures this file offers; conceptmap._accel.API must match. Raise
   both whenever a function is added or changes its arguments or results. */
#define SPEEDUPS_API 9

/* Interned attribute names and constant strings, made once at import. */
static PyObject *s_text, *s_label_type, *s_shape, *s_square, *s_empty,
    *s_fields_set, *s_extra, *s_private, *s_id, *s_pos, *empty_tuple;

/* -- the scanner: _FAST_RE by hand ------------------------------------------------------ */

typedef struct {
    Py_ssize_t end;          /* m.end() */
    Py_ssize_t s1, e1;       /* group 1: first id */
    Py_ssize_t t1s, t1e;     /* group 2: its [text], -1 when absent */
    Py_ssize_t ks, ke;       /* group 3: link token, -1 when absent */
    Py_ssize_t ps, pe;       /* group 4: |text|, -1 when absent */
    Py_ssize_t s2, e2;       /* group 5: second id */
    Py_ssize_t t2s, t2e;     /* group 6: its [text] */
} Match;

#define CH(i) PyUnicode_READ(kind, data, (i))

/* `[A-Za-z0-9!"#$%&'*+.`?\\_/,]` of _ID_RE */
static inline int
id_run_char(Py_UCS4 c)
{
    if (c >= 128) return 0;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return 1;
    switch (c) {
    case '!': case '"': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '.': case '`': case '?': case '\\': case '_': case '/': case ',':
        return 1;
    }
    return 0;
}

/* _ID_RE, possessive: (?:[set]++|:(?!::)|-(?![->.])|=(?!=)|[^\W_])++ ; returns its end */
static Py_ssize_t
scan_id(int kind, const void *data, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n) {
        Py_UCS4 c = CH(p);
        if (id_run_char(c)) { p++; continue; }
        if (c == ':') {
            if (p + 2 < n && CH(p + 1) == ':' && CH(p + 2) == ':') break;
            p++; continue;
        }
        if (c == '-') {
            if (p + 1 < n) {
                Py_UCS4 d = CH(p + 1);
                if (d == '-' || d == '>' || d == '.') break;
            }
            p++; continue;
        }
        if (c == '=') {
            if (p + 1 < n && CH(p + 1) == '=') break;
            p++; continue;
        }
        if (c >= 128 && Py_UNICODE_ISALNUM(c)) { p++; continue; }
        break;
    }
    return p;
}

static const char *const KEYWORDS[] = {
    "flowchart-elk", "flowchart", "graph", "subgraph", "end", "style", "linkStyle",
    "classDef", "class", "interpolate", "_self", "_blank", "_parent", "_top", NULL,
};

/* _NOT_KEYWORD fails here: a quote, or a keyword not followed by [A-Za-z0-9_] */
static int
keyword_or_quote_at(int kind, const void *data, Py_ssize_t n, Py_ssize_t p)
{
    if (p >= n) return 0;
    if (CH(p) == '"') return 1;
    for (const char *const *kw = KEYWORDS; *kw; kw++) {
        Py_ssize_t i = 0;
        const char *k = *kw;
        while (k[i] && p + i < n && CH(p + i) == (Py_UCS4)(unsigned char)k[i]) i++;
        if (k[i]) continue;
        if (p + i < n) {
            Py_UCS4 c = CH(p + i);
            if ((c < 128 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9'))) || c == '_')
                continue;
        }
        return 1;
    }
    return 0;
}

/* _SQUARE: (?:\[(?![/\\])([^\[\](){}|\"\n<#&]*)\])? ; sets the text span, returns the end */
static Py_ssize_t
scan_square(int kind, const void *data, Py_ssize_t n, Py_ssize_t p, Py_ssize_t *ts,
            Py_ssize_t *te)
{
    *ts = *te = -1;
    if (p >= n || CH(p) != '[') return p;
    if (p + 1 < n && (CH(p + 1) == '/' || CH(p + 1) == '\\')) return p;
    Py_ssize_t q = p + 1;
    while (q < n) {
        Py_UCS4 c = CH(q);
        if (c == '[' || c == ']' || c == '(' || c == ')' || c == '{' || c == '}' ||
            c == '|' || c == '"' || c == '\n' || c == '<' || c == '#' || c == '&')
            break;
        q++;
    }
    if (q < n && CH(q) == ']') {
        *ts = p + 1;
        *te = q;
        return q + 1;
    }
    return p;
}

static inline Py_ssize_t
skip_hspace(int kind, const void *data, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n) {
        Py_UCS4 c = CH(p);
        if (c != ' ' && c != '\t') break;
        p++;
    }
    return p;
}

static inline int
is_xo_end(Py_UCS4 c)
{
    return c == 'x' || c == 'o' || c == '>';
}

/* The link token, atomic: [xo<]?--+[-xo>] | [xo<]?==+[=xo>] | [xo<]?-?\.+-[xo>]? | ~~~+ */
static Py_ssize_t
scan_link(int kind, const void *data, Py_ssize_t n, Py_ssize_t p)
{
    if (p >= n) return -1;
    Py_ssize_t s = p;
    Py_UCS4 c0 = CH(p);
    if (c0 == 'x' || c0 == 'o' || c0 == '<') s = p + 1;
    /* Without the prefix the token would start with x, o or <: no alternative does. */
    for (int alt = 0; alt < 2; alt++) {
        Py_UCS4 bar = alt == 0 ? '-' : '=';
        Py_ssize_t d = 0;
        while (s + d < n && CH(s + d) == bar) d++;
        if (d >= 2 && s + d < n && is_xo_end(CH(s + d))) return s + d + 1;
        if (d >= 3) return s + d; /* the last bar closes the token */
    }
    {
        Py_ssize_t q = s;
        if (q < n && CH(q) == '-') q++;
        Py_ssize_t dots = 0;
        while (q + dots < n && CH(q + dots) == '.') dots++;
        if (dots >= 1 && q + dots < n && CH(q + dots) == '-') {
            q += dots + 1;
            if (q < n && is_xo_end(CH(q))) q++;
            return q;
        }
    }
    if (c0 == '~') {
        Py_ssize_t t = 0;
        while (p + t < n && CH(p + t) == '~') t++;
        if (t >= 3) return p + t;
    }
    return -1;
}

/* One statement at p, as _FAST_RE.match(src, p) would match it; 0 when it would not. */
static int
fast_match(int kind, const void *data, Py_ssize_t n, Py_ssize_t p, Match *m)
{
    while (p < n && Py_UNICODE_ISSPACE(CH(p))) p++;
    if (keyword_or_quote_at(kind, data, n, p)) return 0;
    m->s1 = p;
    p = scan_id(kind, data, n, p);
    if (p == m->s1) return 0;
    m->e1 = p;
    p = scan_square(kind, data, n, p, &m->t1s, &m->t1e);
    p = skip_hspace(kind, data, n, p);
    m->ks = m->ke = m->ps = m->pe = m->s2 = m->e2 = m->t2s = m->t2e = -1;
    Py_ssize_t k = scan_link(kind, data, n, p);
    if (k >= 0) {
        /* the optional link group; if its rest fails, so does the statement (what follows
           the group must be ';', a new line or the end, and a link token is none) */
        m->ks = p;
        m->ke = k;
        p = skip_hspace(kind, data, n, k);
        if (p < n && CH(p) == '|') {
            Py_ssize_t q = p + 1;
            while (q < n) {
                Py_UCS4 c = CH(q);
                if (c == '|' || c == '"' || c == '\n' || c == '<' || c == '#' || c == '&')
                    break;
                q++;
            }
            if (q < n && CH(q) == '|') {
                m->ps = p + 1;
                m->pe = q;
                p = q + 1;
            }
        }
        p = skip_hspace(kind, data, n, p);
        if (keyword_or_quote_at(kind, data, n, p)) return 0;
        m->s2 = p;
        p = scan_id(kind, data, n, p);
        if (p == m->s2) return 0;
        m->e2 = p;
        p = scan_square(kind, data, n, p, &m->t2s, &m->t2e);
        p = skip_hspace(kind, data, n, p);
    }
    if (p < n) {
        Py_UCS4 c = CH(p);
        if (c != ';' && c != '\n') return 0;
        p++;
    }
    m->end = p;
    return 1;
}

static int
check_text(PyObject *src)
{
    if (!PyUnicode_Check(src)) {
        PyErr_SetString(PyExc_TypeError, "src must be a str");
        return -1;
    }
    return PyUnicode_READY(src);
}

/* list.append(v) as an int: 0, or -1 with an exception set */
static int
append_ssize(PyObject *list, Py_ssize_t v)
{
    PyObject *o = PyLong_FromSsize_t(v);
    if (o == NULL) return -1;
    int rc = PyList_Append(list, o);
    Py_DECREF(o);
    return rc;
}

/* the offset of the first "\n" at or after *from*, or n (memchr in one-byte text) */
static Py_ssize_t
find_newline(int kind, const void *data, Py_ssize_t n, Py_ssize_t from)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *hit = memchr((const char *)data + from, '\n', (size_t)(n - from));
        return hit ? hit - (const char *)data : n;
    }
    while (from < n && PyUnicode_READ(kind, data, from) != '\n') from++;
    return from;
}

/* line_starts(src) -> list: 0, then the offset one past each "\n" (the parser's line
 * starts: what list(accumulate(len(line) + 1 for line in src.split("\n"))) has, less its
 * last item; without making a string per line, 230,000 of them on a 100k-concept map) */
static PyObject *
py_line_starts(PyObject *self, PyObject *args)
{
    PyObject *src;
    if (!PyArg_ParseTuple(args, "U", &src)) return NULL;
    int kind = PyUnicode_KIND(src);
    const void *data = PyUnicode_DATA(src);
    Py_ssize_t n = PyUnicode_GET_LENGTH(src);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t start = 0; start <= n; start = find_newline(kind, data, n, start) + 1) {
        if (append_ssize(out, start) < 0) { Py_DECREF(out); return NULL; }
    }
    return out;
}

/* line_marks(src) -> (begins, ends, shifts): the line markers of markdown.py's _LineMarks.
 * For each line of src.split("\n"), a last one that is empty or only spaces and tabs left
 * out: its first offset, its end (where its "\n" is), and how many spaces and tabs it
 * starts with; each list closed, as markdown-it's StateBlock closes its own, by
 * len(src), len(src) and 0. One pass, no string per line (230,000 lines on big maps). */
static PyObject *
py_line_marks(PyObject *self, PyObject *args)
{
    PyObject *src;
    if (!PyArg_ParseTuple(args, "U", &src)) return NULL;
    int kind = PyUnicode_KIND(src);
    const void *data = PyUnicode_DATA(src);
    Py_ssize_t n = PyUnicode_GET_LENGTH(src);
    PyObject *begins = PyList_New(0), *ends = PyList_New(0), *shifts = PyList_New(0);
    PyObject *result = NULL;
    if (!begins || !ends || !shifts) goto done;
    for (Py_ssize_t start = 0;;) {
        Py_ssize_t end = find_newline(kind, data, n, start), k = start;
        while (k < end && (PyUnicode_READ(kind, data, k) == ' ' ||
                           PyUnicode_READ(kind, data, k) == '\t'))
            k++;
        if (end == n && k == end) break;  /* the last line, blank: left out */
        if (append_ssize(begins, start) < 0 || append_ssize(ends, end) < 0 ||
            append_ssize(shifts, k - start) < 0)
            goto done;
        if (end == n) break;
        start = end + 1;
    }
    if (append_ssize(begins, n) < 0 || append_ssize(ends, n) < 0 || append_ssize(shifts, 0) < 0)
        goto done;
    result = PyTuple_Pack(3, begins, ends, shifts);
done:
    Py_XDECREF(begins);
    Py_XDECREF(ends);
    Py_XDECREF(shifts);
    return result;
}

/* fast_match(src, pos) -> None | (end, s1, e1, t1s, t1e, ks, ke, ps, pe, s2, e2, t2s, t2e) */
static PyObject *
py_fast_match(PyObject *self, PyObject *args)
{
    PyObject *src;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "Un", &src, &pos)) return NULL;
    if (check_text(src) < 0) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(src);
    if (pos < 0 || pos > n) {
        PyErr_SetString(PyExc_ValueError, "pos out of range");
        return NULL;
    }
    Match m;
    if (!fast_match(PyUnicode_KIND(src), PyUnicode_DATA(src), n, pos, &m)) Py_RETURN_NONE;
    return Py_BuildValue("(nnnnnnnnnnnnn)", m.end, m.s1, m.e1, m.t1s, m.t1e, m.ks, m.ke,
                         m.ps, m.pe, m.s2, m.e2, m.t2s, m.t2e);
}

/* str.strip() of src[start:end] (Unicode white space, as str.strip does) */
static PyObject *
strip_slice(PyObject *src, int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    while (start < end && Py_UNICODE_ISSPACE(CH(start))) start++;
    while (end > start && Py_UNICODE_ISSPACE(CH(end - 1))) end--;
    return PyUnicode_Substring(src, start, end);
}

/* Records (the parser's, trusted_many's, trusted_columns') are built field by field on a
 * bare instance (object.__new__), not by assigning a ready dict to __dict__: the fields
 * then live in the instance's own value array, keyed by the class's shared keys (~180
 * bytes a record), where a dict of 11-14 entries is a 632-byte allocation of its own:
 * 230,000 records on a 100k-concept map, 30 % of the parse's page faults. Fields are set in the model's
 * order, the order of __dict__ (and of repr). */

/* object.__setattr__(obj, name, value), stealing *value* (NULL: an error already set) */
static int
set_field(PyObject *obj, PyObject *name, PyObject *value)
{
    if (value == NULL) return -1;
    int rc = PyObject_GenericSetAttr(obj, name, value);
    Py_DECREF(value);
    return rc;
}

/* The vertex of *vid_io* (made with vertex_cls(vid, pos) when new), with its [text] applied
 * as the fast path does; *vid_io* becomes the vertex's own id string. Returns a borrowed
 * reference (held by *vertices*). */
static PyObject *
touch_vertex(PyObject *vertices, PyObject *vertex_cls, PyObject **vid_io, Py_ssize_t pos,
             PyObject *text)
{
    PyObject *vid = *vid_io;
    PyObject *v = PyDict_GetItemWithError(vertices, vid);
    if (v != NULL) {
        /* A known vertex: from here on use its own id string (an equal str), so the
           edges share one object per id and later lookups match by identity. */
        PyObject *canon = PyObject_GetAttr(v, s_id);
        if (canon == NULL) return NULL;
        if (PyUnicode_CheckExact(canon)) {
            Py_SETREF(*vid_io, canon);
            vid = canon;
        } else {
            Py_DECREF(canon);
        }
    } else {
        /* vertex_cls(vid, pos) without running its __init__: a new instance whose
           __dict__ is {"id": vid, "pos": pos}, what that __init__ sets */
        if (PyErr_Occurred()) return NULL;
        v = PyBaseObject_Type.tp_new((PyTypeObject *)vertex_cls, empty_tuple, NULL);
        if (v == NULL) return NULL;
        if (PyObject_GenericSetAttr(v, s_id, vid) < 0 ||
            set_field(v, s_pos, PyLong_FromSsize_t(pos)) < 0) {
            Py_DECREF(v);
            return NULL;
        }
        int rc = PyDict_SetItem(vertices, vid, v);
        Py_DECREF(v);
        if (rc < 0) return NULL;
    }
    if (text != NULL) {
        if (PyObject_SetAttr(v, s_text, text) < 0 ||
            PyObject_SetAttr(v, s_label_type, s_text) < 0 ||
            PyObject_SetAttr(v, s_shape, s_square) < 0)
            return NULL;
    } else {
        PyObject *cur = PyObject_GetAttr(v, s_text);
        if (cur == NULL) return NULL;
        int unset = cur == Py_None;
        Py_DECREF(cur);
        if (unset && PyObject_SetAttr(v, s_text, vid) < 0) return NULL;
    }
    return v;
}

/* mermaid's automatic link id, "L_" + a + "_" + b + "_" + str(n) (model.auto_edge_id) */
static PyObject *
auto_edge_id(PyObject *a, PyObject *b, Py_ssize_t n)
{
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%zd", n);
    Py_ssize_t la = PyUnicode_GET_LENGTH(a), lb = PyUnicode_GET_LENGTH(b);
    Py_UCS4 maxchar = PyUnicode_MAX_CHAR_VALUE(a);
    if (PyUnicode_MAX_CHAR_VALUE(b) > maxchar) maxchar = PyUnicode_MAX_CHAR_VALUE(b);
    if (maxchar < 127) maxchar = 127;
    PyObject *out = PyUnicode_New(2 + la + 1 + lb + 1 + nd, maxchar);
    if (out == NULL) return NULL;
    int kind = PyUnicode_KIND(out);
    void *data = PyUnicode_DATA(out);
    Py_ssize_t i = 0;
    PyUnicode_WRITE(kind, data, i++, 'L');
    PyUnicode_WRITE(kind, data, i++, '_');
    if (PyUnicode_CopyCharacters(out, i, a, 0, la) < 0) goto fail;
    i += la;
    PyUnicode_WRITE(kind, data, i++, '_');
    if (PyUnicode_CopyCharacters(out, i, b, 0, lb) < 0) goto fail;
    i += lb;
    PyUnicode_WRITE(kind, data, i++, '_');
    for (int k = 0; k < nd; k++) PyUnicode_WRITE(kind, data, i++, (Py_UCS4)digits[k]);
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* fast_run(src, pos, vertices, pair_count, edges, members, vertex_cls,
 *          parts_of, link_parts, statement_words) -> pos
 *
 * *parts_of* caches (stroke, head, tail, length) by link token; *link_parts(token)* computes
 * and caches a token not in it yet.
 *
 * `_FlowParser._fast_run` for a map without `direction` statements (the caller checks):
 * consumes consecutive simple statements from pos and returns where it stopped. */
static PyObject *
py_fast_run(PyObject *self, PyObject *args)
{
    PyObject *src, *vertices, *pair_count, *edges, *members, *vertex_cls,
        *parts_of, *link_parts, *statement_words;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "UnO!O!O!OOO!OO", &src, &pos, &PyDict_Type, &vertices,
                          &PyDict_Type, &pair_count, &PyList_Type, &edges, &members,
                          &vertex_cls, &PyDict_Type, &parts_of,
                          &link_parts, &statement_words))
        return NULL;
    if (check_text(src) < 0) return NULL;
    if (!PyType_Check(vertex_cls)) {
        PyErr_SetString(PyExc_TypeError, "vertex_cls must be a class");
        return NULL;
    }
    if (members != Py_None && !PyList_Check(members)) {
        PyErr_SetString(PyExc_TypeError, "members must be a list or None");
        return NULL;
    }
    int kind = PyUnicode_KIND(src);
    const void *data = PyUnicode_DATA(src);
    Py_ssize_t n = PyUnicode_GET_LENGTH(src);
    Match m;
    PyObject *id1 = NULL, *id2 = NULL, *text1 = NULL, *text2 = NULL, *tok = NULL,
             *pipe = NULL;
#define CLEAR_ALL()                                                                         \
    do {                                                                                    \
        Py_CLEAR(id1); Py_CLEAR(id2); Py_CLEAR(text1); Py_CLEAR(text2); Py_CLEAR(tok);      \
        Py_CLEAR(pipe);                                                                     \
    } while (0)
    while (pos <= n && fast_match(kind, data, n, pos, &m)) {
        id1 = PyUnicode_Substring(src, m.s1, m.e1);
        if (id1 == NULL) goto error;
        int word = PySet_Contains(statement_words, id1);
        if (word < 0) goto error;
        if (word) break;
        if (m.ps >= 0) {
            pipe = strip_slice(src, kind, data, m.ps, m.pe);
            if (pipe == NULL) goto error;
            if (PyUnicode_GET_LENGTH(pipe) == 0) break;
        }
        if (m.t1s >= 0 && (text1 = strip_slice(src, kind, data, m.t1s, m.t1e)) == NULL)
            goto error;
        if (touch_vertex(vertices, vertex_cls, &id1, m.s1, text1) == NULL) goto error;
        pos = m.end;
        if (m.ks < 0) {
            if (members != Py_None && PyList_Append(members, id1) < 0) goto error;
            CLEAR_ALL();
            continue;
        }
        id2 = PyUnicode_Substring(src, m.s2, m.e2);
        if (id2 == NULL) goto error;
        if (m.t2s >= 0 && (text2 = strip_slice(src, kind, data, m.t2s, m.t2e)) == NULL)
            goto error;
        if (touch_vertex(vertices, vertex_cls, &id2, m.s2, text2) == NULL) goto error;
        tok = PyUnicode_Substring(src, m.ks, m.ke);
        if (tok == NULL) goto error;
        PyObject *parts = PyDict_GetItemWithError(parts_of, tok);
        if (parts != NULL) {
            Py_INCREF(parts);
        } else {
            if (PyErr_Occurred()) goto error;
            parts = PyObject_CallOneArg(link_parts, tok); /* computes and caches */
            if (parts == NULL) goto error;
        }
        if (!PyTuple_Check(parts) || PyTuple_GET_SIZE(parts) != 4) {
            Py_DECREF(parts);
            PyErr_SetString(PyExc_TypeError, "link_parts must return a 4-tuple");
            goto error;
        }
        PyObject *key = PyTuple_Pack(2, id1, id2);
        if (key == NULL) { Py_DECREF(parts); goto error; }
        PyObject *count = PyDict_GetItemWithError(pair_count, key);
        PyObject *edge_id, *next;
        if (count == NULL) {
            if (PyErr_Occurred()) { Py_DECREF(key); Py_DECREF(parts); goto error; }
            next = PyLong_FromLong(1);
            edge_id = auto_edge_id(id1, id2, 0);
        } else {
            Py_ssize_t c = PyLong_AsSsize_t(count);
            if (c == -1 && PyErr_Occurred()) { Py_DECREF(key); Py_DECREF(parts); goto error; }
            next = PyLong_FromSsize_t(c + 1);
            edge_id = auto_edge_id(id1, id2, c + 1);
        }
        if (next == NULL || edge_id == NULL || PyDict_SetItem(pair_count, key, next) < 0) {
            Py_XDECREF(next); Py_XDECREF(edge_id); Py_DECREF(key); Py_DECREF(parts);
            goto error;
        }
        Py_DECREF(next);
        Py_DECREF(key);
        PyObject *edge = PyTuple_New(11);
        PyObject *tokpos = PyLong_FromSsize_t(m.ks);
        if (edge == NULL || tokpos == NULL) {
            Py_XDECREF(edge); Py_XDECREF(tokpos); Py_DECREF(edge_id); Py_DECREF(parts);
            goto error;
        }
        PyObject *label = pipe != NULL ? pipe : s_empty;
        Py_INCREF(id1); Py_INCREF(id2); Py_INCREF(label); Py_INCREF(s_text); Py_INCREF(Py_False);
        PyTuple_SET_ITEM(edge, 0, edge_id);
        PyTuple_SET_ITEM(edge, 1, id1);
        PyTuple_SET_ITEM(edge, 2, id2);
        PyTuple_SET_ITEM(edge, 3, label);
        PyTuple_SET_ITEM(edge, 4, s_text);
        for (int i = 0; i < 4; i++) {
            PyObject *part = PyTuple_GET_ITEM(parts, i);
            Py_INCREF(part);
            PyTuple_SET_ITEM(edge, 5 + i, part);
        }
        PyTuple_SET_ITEM(edge, 9, tokpos);
        PyTuple_SET_ITEM(edge, 10, Py_False);
        Py_DECREF(parts);
        int rc = PyList_Append(edges, edge);
        Py_DECREF(edge);
        if (rc < 0) goto error;
        if (members != Py_None &&
            (PyList_Append(members, id2) < 0 || PyList_Append(members, id1) < 0))
            goto error;
        CLEAR_ALL();
    }
    CLEAR_ALL();
    return PyLong_FromSsize_t(pos);
error:
    CLEAR_ALL();
    return NULL;
#undef CLEAR_ALL
}

/* -- records ---------------------------------------------------------------------------- */

/* pydantic's three bookkeeping slots of a record built without validation */
static int
finish_record(PyObject *obj, PyObject *fields_set)
{
    return PyObject_GenericSetAttr(obj, s_fields_set, fields_set) < 0 ||
                   PyObject_GenericSetAttr(obj, s_extra, Py_None) < 0 ||
                   PyObject_GenericSetAttr(obj, s_private, Py_None) < 0
               ? -1
               : 0;
}

/* trusted_many(cls, fields_set, rows) -> list: model.trusted_many, one C loop */
static PyObject *
py_trusted_many(PyObject *self, PyObject *args)
{
    PyObject *cls, *fields_set, *rows;
    if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &cls, &fields_set, &rows)) return NULL;
    PyTypeObject *type = (PyTypeObject *)cls;
    PyObject *it = PyObject_GetIter(rows);
    if (it == NULL) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) { Py_DECREF(it); return NULL; }
    PyObject *empty = PyTuple_New(0);
    if (empty == NULL) { Py_DECREF(it); Py_DECREF(out); return NULL; }
    PyObject *data;
    while ((data = PyIter_Next(it)) != NULL) {
        if (!PyDict_Check(data)) {
            PyErr_SetString(PyExc_TypeError, "rows must be dicts");
            Py_DECREF(data);
            goto error;
        }
        /* object.__new__(cls), then object.__setattr__ for each field and the three
           slots (the frozen model's own __setattr__ would refuse). The Python version
           assigns the row to __dict__; field by field the values go to the instance's
           shared-key array instead, a third of the memory (see set_field). */
        PyObject *obj = PyBaseObject_Type.tp_new(type, empty, NULL);
        if (obj == NULL) { Py_DECREF(data); goto error; }
        int rc = 0;
        Py_ssize_t at = 0;
        PyObject *name, *value;
        while (rc == 0 && PyDict_Next(data, &at, &name, &value))
            rc = PyObject_GenericSetAttr(obj, name, value);
        Py_DECREF(data);
        if (rc < 0 || finish_record(obj, fields_set) < 0 || PyList_Append(out, obj) < 0) {
            Py_DECREF(obj);
            goto error;
        }
        Py_DECREF(obj);
    }
    if (PyErr_Occurred()) goto error;
    Py_DECREF(it);
    Py_DECREF(empty);
    return out;
error:
    Py_DECREF(it);
    Py_DECREF(empty);
    Py_DECREF(out);
    return NULL;
}

/* 0 if every item of the tuple *names* is a str, else -1 with TypeError set */
static int
check_names(PyObject *names)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(names); k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(names, k))) {
            PyErr_SetString(PyExc_TypeError, "names must be str");
            return -1;
        }
    }
    return 0;
}

/* trusted_columns(cls, fields_set, names, columns) -> list: model.trusted_columns, record
 * i having field names[k] = columns[k][i]; no dict per row (50,000-step answers) */
static PyObject *
py_trusted_columns(PyObject *self, PyObject *args)
{
    PyObject *cls, *fields_set, *names, *columns;
    if (!PyArg_ParseTuple(args, "O!OO!O!", &PyType_Type, &cls, &fields_set, &PyTuple_Type,
                          &names, &PyTuple_Type, &columns))
        return NULL;
    Py_ssize_t nf = PyTuple_GET_SIZE(names);
    if (PyTuple_GET_SIZE(columns) != nf) {
        PyErr_SetString(PyExc_ValueError, "one column per name");
        return NULL;
    }
    if (check_names(names) < 0) return NULL;
    PyObject *fast = PyTuple_New(nf);
    if (fast == NULL) return NULL;
    Py_ssize_t n = 0;
    for (Py_ssize_t k = 0; k < nf; k++) {
        PyObject *col = PySequence_Fast(PyTuple_GET_ITEM(columns, k), "columns must be sequences");
        if (col == NULL) { Py_DECREF(fast); return NULL; }
        PyTuple_SET_ITEM(fast, k, col);
        Py_ssize_t len = PySequence_Fast_GET_SIZE(col);
        if (k == 0) {
            n = len;
        } else if (len != n) {
            PyErr_SetString(PyExc_ValueError, "columns of different lengths");
            Py_DECREF(fast);
            return NULL;
        }
    }
    PyObject *out = PyList_New(n);
    if (out == NULL) { Py_DECREF(fast); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *obj = PyBaseObject_Type.tp_new((PyTypeObject *)cls, empty_tuple, NULL);
        if (obj == NULL) goto error;
        PyList_SET_ITEM(out, i, obj); /* out owns it, also on error */
        for (Py_ssize_t k = 0; k < nf; k++) {
            PyObject *col = PyTuple_GET_ITEM(fast, k);
            if (PyObject_GenericSetAttr(obj, PyTuple_GET_ITEM(names, k),
                                        PySequence_Fast_GET_ITEM(col, i)) < 0)
                goto error;
        }
        if (finish_record(obj, fields_set) < 0) goto error;
    }
    Py_DECREF(fast);
    return out;
error:
    Py_DECREF(fast);
    Py_DECREF(out); /* unset items are NULL: list_dealloc skips them */
    return NULL;
}

/* trusted_picks(cls, fields_set, names, sources, indices) -> list: model.trusted_picks,
 * record j having field names[k] = getattr(sources[indices[j]], names[k]); attributes
 * read as object.__getattribute__ does, so a record of the map is not given a __dict__
 * of its own to read them from (the 49,791 relationship refs of a big prereqs answer) */
static PyObject *
py_trusted_picks(PyObject *self, PyObject *args)
{
    PyObject *cls, *fields_set, *names, *sources, *indices;
    if (!PyArg_ParseTuple(args, "O!OO!OO", &PyType_Type, &cls, &fields_set, &PyTuple_Type,
                          &names, &sources, &indices))
        return NULL;
    Py_ssize_t nf = PyTuple_GET_SIZE(names);
    if (check_names(names) < 0) return NULL;
    PyObject *src = PySequence_Fast(sources, "sources must be a sequence");
    if (src == NULL) return NULL;
    PyObject *idx = PySequence_Fast(indices, "indices must be a sequence");
    if (idx == NULL) { Py_DECREF(src); return NULL; }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(idx), ns = PySequence_Fast_GET_SIZE(src);
    PyObject *out = PyList_New(n);
    if (out == NULL) goto error;
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t i = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(idx, j), PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) goto error;
        if (i < 0) i += ns;
        if (i < 0 || i >= ns) {
            PyErr_SetString(PyExc_IndexError, "index out of range");
            goto error;
        }
        PyObject *from = PySequence_Fast_GET_ITEM(src, i);
        PyObject *obj = PyBaseObject_Type.tp_new((PyTypeObject *)cls, empty_tuple, NULL);
        if (obj == NULL) goto error;
        PyList_SET_ITEM(out, j, obj); /* out owns it, also on error */
        for (Py_ssize_t k = 0; k < nf; k++) {
            PyObject *name = PyTuple_GET_ITEM(names, k);
            if (set_field(obj, name, PyObject_GenericGetAttr(from, name)) < 0) goto error;
        }
        if (finish_record(obj, fields_set) < 0) goto error;
    }
    Py_DECREF(src);
    Py_DECREF(idx);
    return out;
error:
    Py_DECREF(src);
    Py_DECREF(idx);
    Py_XDECREF(out); /* unset items are NULL: list_dealloc skips them */
    return NULL;
}

/* -- the parser's records ------------------------------------------------------------- */

/* Line starts and column offsets of a block, for (line, column) of an offset. */
typedef struct {
    Py_ssize_t *starts;
    Py_ssize_t n_starts;
    Py_ssize_t *offsets;
    Py_ssize_t n_off;
    Py_ssize_t first_line;
} Lines;

static Py_ssize_t *
ssize_array(PyObject *seq, Py_ssize_t *len)
{
    PyObject *fast = PySequence_Fast(seq, "expected a sequence of ints");
    if (fast == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Py_ssize_t *out = PyMem_Malloc(sizeof(Py_ssize_t) * (n ? n : 1));
    if (out == NULL) { Py_DECREF(fast); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1 && PyErr_Occurred()) { PyMem_Free(out); Py_DECREF(fast); return NULL; }
    }
    Py_DECREF(fast);
    *len = n;
    return out;
}

static int
lines_init(Lines *l, PyObject *starts, PyObject *offsets, Py_ssize_t first_line)
{
    l->offsets = NULL;
    l->first_line = first_line;
    if ((l->starts = ssize_array(starts, &l->n_starts)) == NULL) return -1;
    if ((l->offsets = ssize_array(offsets, &l->n_off)) == NULL) {
        PyMem_Free(l->starts);
        return -1;
    }
    return 0;
}

static void
lines_free(Lines *l)
{
    PyMem_Free(l->starts);
    PyMem_Free(l->offsets);
}

/* FlowParser._loc: (1-based file line, 1-based file column) of an offset */
static void
lines_loc(const Lines *l, Py_ssize_t pos, Py_ssize_t *line, Py_ssize_t *col)
{
    Py_ssize_t lo = 0, hi = l->n_starts; /* bisect_right(starts, pos) */
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (pos < l->starts[mid]) hi = mid; else lo = mid + 1;
    }
    Py_ssize_t idx = lo - 1;
    Py_ssize_t start = idx >= 0 ? l->starts[idx] : 0; /* Python's starts[-1]: never here */
    *line = l->first_line + idx;
    *col = pos - start + (idx < l->n_off && idx >= 0 ? l->offsets[idx] : 0) + 1;
}


static PyObject *k_id, *k_label, *k_shape, *k_subgraph, *k_classes, *k_line, *k_column,
    *k_label_type, *k_styles, *k_link, *k_tooltip, *k_source, *k_target, *k_kind, *k_stroke,
    *k_head, *k_tail, *k_length, *k_user_id;

/* relationship_records(cls, fields_set, edges, kinds, kind_of, styles, starts, offsets,
 *                      first_line) -> list
 *
 * FlowParser.result's relationship rows: one record per edge tuple (id, source, target,
 * text, label_type, stroke, head, tail, length, offset, user_id). *kinds* caches
 * kind_of(stroke, head, tail) by signature; *styles* maps an edge's index to its styles. */
static PyObject *
py_relationship_records(PyObject *self, PyObject *args)
{
    PyObject *cls, *fields_set, *edges, *kinds, *kind_of, *styles, *starts, *offsets;
    Py_ssize_t first_line;
    if (!PyArg_ParseTuple(args, "O!OO!O!OO!OOn", &PyType_Type, &cls, &fields_set,
                          &PyList_Type, &edges, &PyDict_Type, &kinds, &kind_of, &PyDict_Type,
                          &styles, &starts, &offsets, &first_line))
        return NULL;
    Lines lines;
    if (lines_init(&lines, starts, offsets, first_line) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(edges);
    PyObject *out = PyList_New(n);
    if (out == NULL) { lines_free(&lines); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = PyList_GET_ITEM(edges, i);
        if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) != 11) {
            PyErr_SetString(PyExc_TypeError, "edges must be 11-tuples");
            goto error;
        }
        PyObject *sig = PyTuple_GetSlice(e, 5, 8);
        if (sig == NULL) goto error;
        PyObject *kind = PyDict_GetItemWithError(kinds, sig);
        if (kind != NULL) {
            Py_INCREF(kind);
        } else if (PyErr_Occurred()) {
            Py_DECREF(sig);
            goto error;
        } else {
            kind = PyObject_Call(kind_of, sig, NULL);
            if (kind == NULL || PyDict_SetItem(kinds, sig, kind) < 0) {
                Py_XDECREF(kind); Py_DECREF(sig);
                goto error;
            }
        }
        Py_DECREF(sig);
        Py_ssize_t pos = PyLong_AsSsize_t(PyTuple_GET_ITEM(e, 9));
        if (pos == -1 && PyErr_Occurred()) { Py_DECREF(kind); goto error; }
        Py_ssize_t line, col;
        lines_loc(&lines, pos, &line, &col);
        PyObject *text = PyTuple_GET_ITEM(e, 3);
        int has_text = PyObject_IsTrue(text);
        if (has_text < 0) { Py_DECREF(kind); goto error; }
        PyObject *st, *own = NULL;
        if (PyDict_GET_SIZE(styles)) {
            PyObject *idx = PyLong_FromSsize_t(i);
            if (idx == NULL) { Py_DECREF(kind); goto error; }
            own = PyDict_GetItemWithError(styles, idx);
            Py_DECREF(idx);
        }
        if (own != NULL) {
            st = PySequence_Tuple(own);
        } else if (PyErr_Occurred()) {
            st = NULL;
        } else {
            st = empty_tuple;
            Py_INCREF(st);
        }
        if (st == NULL) { Py_DECREF(kind); goto error; }
        PyObject *rec = PyBaseObject_Type.tp_new((PyTypeObject *)cls, empty_tuple, NULL);
        if (rec == NULL) { Py_DECREF(kind); Py_DECREF(st); goto error; }
        PyList_SET_ITEM(out, i, rec); /* out owns it, also on error */
        if (PyObject_GenericSetAttr(rec, k_id, PyTuple_GET_ITEM(e, 0)) < 0 ||
            PyObject_GenericSetAttr(rec, k_source, PyTuple_GET_ITEM(e, 1)) < 0 ||
            PyObject_GenericSetAttr(rec, k_target, PyTuple_GET_ITEM(e, 2)) < 0 ||
            PyObject_GenericSetAttr(rec, k_label, has_text ? text : Py_None) < 0) {
            Py_DECREF(kind); Py_DECREF(st);
            goto error;
        }
        if (set_field(rec, k_kind, kind) < 0) { Py_DECREF(st); goto error; }
        if (PyObject_GenericSetAttr(rec, k_stroke, PyTuple_GET_ITEM(e, 5)) < 0 ||
            PyObject_GenericSetAttr(rec, k_head, PyTuple_GET_ITEM(e, 6)) < 0 ||
            PyObject_GenericSetAttr(rec, k_tail, PyTuple_GET_ITEM(e, 7)) < 0 ||
            PyObject_GenericSetAttr(rec, k_length, PyTuple_GET_ITEM(e, 8)) < 0 ||
            set_field(rec, k_line, PyLong_FromSsize_t(line)) < 0 ||
            set_field(rec, k_column, PyLong_FromSsize_t(col)) < 0 ||
            PyObject_GenericSetAttr(rec, k_label_type, PyTuple_GET_ITEM(e, 4)) < 0) {
            Py_DECREF(st);
            goto error;
        }
        if (set_field(rec, k_styles, st) < 0 ||
            PyObject_GenericSetAttr(rec, k_user_id, PyTuple_GET_ITEM(e, 10)) < 0 ||
            finish_record(rec, fields_set) < 0)
            goto error;
    }
    lines_free(&lines);
    return out;
error:
    lines_free(&lines);
    Py_DECREF(out); /* unset items are NULL: list_dealloc skips them */
    return NULL;
}

/* concept_records(cls, fields_set, vertices, sub_ids, owner, starts, offsets, first_line)
 *
 * FlowParser.result's concept rows: one record per vertex not a subgraph id, in order. */
static PyObject *
py_concept_records(PyObject *self, PyObject *args)
{
    PyObject *cls, *fields_set, *vertices, *sub_ids, *owner, *starts, *offsets;
    Py_ssize_t first_line;
    if (!PyArg_ParseTuple(args, "O!OO!OO!OOn", &PyType_Type, &cls, &fields_set, &PyDict_Type,
                          &vertices, &sub_ids, &PyDict_Type, &owner, &starts, &offsets,
                          &first_line))
        return NULL;
    Lines lines;
    if (lines_init(&lines, starts, offsets, first_line) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) { lines_free(&lines); return NULL; }
    Py_ssize_t it = 0;
    PyObject *key, *v;
    while (PyDict_Next(vertices, &it, &key, &v)) {
        PyObject *vid = PyObject_GetAttr(v, s_id);
        if (vid == NULL) goto error;
        int is_sub = PySequence_Contains(sub_ids, vid);
        if (is_sub != 0) {
            Py_DECREF(vid);
            if (is_sub < 0) goto error;
            continue;
        }
        PyObject *posobj = PyObject_GetAttr(v, s_pos);
        if (posobj == NULL) { Py_DECREF(vid); goto error; }
        Py_ssize_t pos = PyLong_AsSsize_t(posobj);
        Py_DECREF(posobj);
        if (pos == -1 && PyErr_Occurred()) { Py_DECREF(vid); goto error; }
        Py_ssize_t line, col;
        lines_loc(&lines, pos, &line, &col);
        PyObject *text = PyObject_GetAttr(v, s_text);
        if (text == NULL) { Py_DECREF(vid); goto error; }
        PyObject *sub = PyDict_GetItemWithError(owner, vid);
        if (sub == NULL && PyErr_Occurred()) { Py_DECREF(vid); Py_DECREF(text); goto error; }
        PyObject *rec = PyBaseObject_Type.tp_new((PyTypeObject *)cls, empty_tuple, NULL);
        int rc = rec == NULL ? -1 : PyList_Append(out, rec);
        Py_XDECREF(rec); /* out owns it */
        rc = rc < 0 || PyObject_GenericSetAttr(rec, k_id, vid) < 0 ||
             PyObject_GenericSetAttr(rec, k_label, text != Py_None ? text : vid) < 0;
        Py_DECREF(vid);
        Py_DECREF(text);
        rc = rc || set_field(rec, k_shape, PyObject_GetAttr(v, k_shape)) < 0 ||
             PyObject_GenericSetAttr(rec, k_subgraph, sub != NULL ? sub : Py_None) < 0 ||
             set_field(rec, k_classes, PyObject_GetAttr(v, k_classes)) < 0 ||
             set_field(rec, k_line, PyLong_FromSsize_t(line)) < 0 ||
             set_field(rec, k_column, PyLong_FromSsize_t(col)) < 0 ||
             set_field(rec, k_label_type, PyObject_GetAttr(v, k_label_type)) < 0 ||
             set_field(rec, k_styles, PyObject_GetAttr(v, k_styles)) < 0 ||
             set_field(rec, k_link, PyObject_GetAttr(v, k_link)) < 0 ||
             set_field(rec, k_tooltip, PyObject_GetAttr(v, k_tooltip)) < 0 ||
             finish_record(rec, fields_set) < 0;
        if (rc) goto error;
    }
    lines_free(&lines);
    return out;
error:
    lines_free(&lines);
    Py_DECREF(out);
    return NULL;
}

/* -- the learning graph (conceptmap/analysis/paths.py) ---------------------------------- */

/* Append item to the list adj[key], making the list when new. */
static int
adj_append(PyObject *adj, PyObject *key, PyObject *item)
{
    PyObject *lst = PyDict_GetItemWithError(adj, key);
    if (lst == NULL) {
        if (PyErr_Occurred()) return -1;
        lst = PyList_New(1);
        if (lst == NULL) return -1;
        Py_INCREF(item);
        PyList_SET_ITEM(lst, 0, item);
        int rc = PyDict_SetItem(adj, key, lst);
        Py_DECREF(lst);
        return rc;
    }
    return PyList_Append(lst, item);
}

/* What relationship *i* (*rel*) is in the learning graph, as _Learning.__init__ reads it:
 * EDGE_SKIP (invisible), EDGE_LOOP (a visible self-loop; *before* is its concept) or
 * EDGE_LEARN (*before* is learned before *after*, at *cost*). The phrase is looked up in
 * memo[(label, kind)] (classify(label, kind) fills it on a miss: (source first?, known?,
 * cost, phrase key)), and a relationship read by assumption goes to unknown[key]. The five
 * fields are read as object.__getattribute__ does: asking for __dict__ would give each of
 * the 130,000 records of a big map a dict of its own. *before*, *after* and *cost* are new
 * references (NULL where not set); -1 with an exception set. */
enum { EDGE_SKIP, EDGE_LOOP, EDGE_LEARN };

static int
learning_edge(PyObject *rel, Py_ssize_t i, PyObject *memo, PyObject *classify,
              PyObject *unknown, PyObject **before, PyObject **after, PyObject **cost)
{
    *before = *after = *cost = NULL;
    PyObject *source = NULL, *target = NULL, *stroke = NULL, *label = NULL, *kind = NULL;
    PyObject *key = NULL, *hit = NULL, *idx = NULL;
    int what = -1;
    if ((source = PyObject_GenericGetAttr(rel, k_source)) == NULL ||
        (target = PyObject_GenericGetAttr(rel, k_target)) == NULL ||
        (stroke = PyObject_GenericGetAttr(rel, k_stroke)) == NULL ||
        (label = PyObject_GenericGetAttr(rel, k_label)) == NULL ||
        (kind = PyObject_GenericGetAttr(rel, k_kind)) == NULL)
        goto done;
    int loop = PyUnicode_Compare(source, target) == 0;
    int invisible = PyUnicode_CompareWithASCIIString(stroke, "invisible") == 0;
    if (PyErr_Occurred()) goto done;
    if (invisible || loop) {
        if (!invisible) { Py_INCREF(source); *before = source; }
        what = invisible ? EDGE_SKIP : EDGE_LOOP;
        goto done;
    }
    if ((key = PyTuple_Pack(2, label, kind)) == NULL) goto done;
    hit = PyDict_GetItemWithError(memo, key);
    if (hit != NULL) {
        Py_INCREF(hit);
    } else {
        if (PyErr_Occurred()) goto done;
        if ((hit = PyObject_CallFunctionObjArgs(classify, label, kind, NULL)) == NULL) goto done;
    }
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 4) {
        PyErr_SetString(PyExc_TypeError, "classify must return a 4-tuple");
        goto done;
    }
    int source_first = PyObject_IsTrue(PyTuple_GET_ITEM(hit, 0));
    int known = PyObject_IsTrue(PyTuple_GET_ITEM(hit, 1));
    if (source_first < 0 || known < 0) goto done;
    if (!known) {
        if ((idx = PyLong_FromSsize_t(i)) == NULL) goto done;
        if (adj_append(unknown, PyTuple_GET_ITEM(hit, 3), idx) < 0) goto done;
    }
    *before = source_first ? source : target;
    *after = source_first ? target : source;
    *cost = PyTuple_GET_ITEM(hit, 2);
    Py_INCREF(*before);
    Py_INCREF(*after);
    Py_INCREF(*cost);
    what = EDGE_LEARN;
done:
    Py_XDECREF(source); Py_XDECREF(target); Py_XDECREF(stroke); Py_XDECREF(label);
    Py_XDECREF(kind); Py_XDECREF(key); Py_XDECREF(hit); Py_XDECREF(idx);
    return what;
}

/* A binary min-heap of (key, slot). path_plan's keys are distances, ties broken by the
 * slot's id as Python compares str (*name*): the order in which heapq pops
 * paths._dijkstra's (distance, id) tuples; stale entries stay until popped, as there, so
 * the sizes that choose a side are the same. order_plan's keys are distinct ranks (no
 * *name* needed). */
typedef struct {
    double *d;
    Py_ssize_t *v;
    Py_ssize_t n, cap;
    PyObject **name;
} Heap;

static int
heap_less(const Heap *h, Py_ssize_t a, Py_ssize_t b)
{
    if (h->d[a] != h->d[b]) return h->d[a] < h->d[b];
    if (h->v[a] == h->v[b]) return 0;
    if (h->name == NULL) return h->v[a] < h->v[b];
    return PyUnicode_Compare(h->name[h->v[a]], h->name[h->v[b]]) < 0;
}

static void
heap_swap(Heap *h, Py_ssize_t a, Py_ssize_t b)
{
    double d = h->d[a]; h->d[a] = h->d[b]; h->d[b] = d;
    Py_ssize_t v = h->v[a]; h->v[a] = h->v[b]; h->v[b] = v;
}

static int
heap_push(Heap *h, double d, Py_ssize_t v)
{
    if (h->n == h->cap) {
        Py_ssize_t cap = h->cap ? 2 * h->cap : 64;
        double *dd = PyMem_Realloc(h->d, sizeof(double) * cap);
        if (dd == NULL) { PyErr_NoMemory(); return -1; }
        h->d = dd;
        Py_ssize_t *vv = PyMem_Realloc(h->v, sizeof(Py_ssize_t) * cap);
        if (vv == NULL) { PyErr_NoMemory(); return -1; }
        h->v = vv;
        h->cap = cap;
    }
    Py_ssize_t i = h->n++;
    h->d[i] = d;
    h->v[i] = v;
    while (i > 0 && heap_less(h, i, (i - 1) / 2)) { heap_swap(h, i, (i - 1) / 2); i = (i - 1) / 2; }
    return 0;
}

static void
heap_pop(Heap *h, double *d, Py_ssize_t *v)
{
    *d = h->d[0];
    *v = h->v[0];
    h->n--;
    h->d[0] = h->d[h->n];
    h->v[0] = h->v[h->n];
    for (Py_ssize_t i = 0;;) {
        Py_ssize_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < h->n && heap_less(h, l, best)) best = l;
        if (r < h->n && heap_less(h, r, best)) best = r;
        if (best == i) return;
        heap_swap(h, i, best);
        i = best;
    }
}

/* A concept's sort key: two C integers, then its position by id (its slot last). */
typedef struct {
    long long a, b;
    Py_ssize_t pos, slot;
} Key;

static int
key_cmp(const void *x, const void *y)
{
    const Key *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    if (p->b != q->b) return p->b < q->b ? -1 : 1;
    return (p->pos > q->pos) - (p->pos < q->pos);
}

/* A concept's sort key in prereq_plan's order: its component's (its first member's),
 * then its own (-depth, -degree, position by id, slot). */
typedef struct {
    Key comp;  /* the key of the concept's component: its first member's */
    Key own;   /* its own: (-depth, -degree, position by id, slot) */
} Key2;

static int
key2_cmp(const void *x, const void *y)
{
    const Key2 *p = x, *q = y;
    int c = key_cmp(&p->comp, &q->comp);
    return c ? c : key_cmp(&p->own, &q->own);
}

/* -- prerequisites, orders and routes on integer slots ---------------------------------- */

/* Concept ids (str) -> slots 0, 1, 2, ...: open addressing by each str's cached hash, a
 * probe matching by identity (the parser's relationships share one string per id) or else
 * by equality. Keys are borrowed: the relationships, or the caller, hold them. */
typedef struct {
    PyObject *key;
    Py_hash_t hash;
    Py_ssize_t slot;
} IdEntry;

typedef struct {
    IdEntry *e;
    size_t mask;
    Py_ssize_t n;      /* slots given */
    PyObject **name;   /* slot -> id */
    Py_ssize_t cap;    /* of name */
} Ids;

static void
ids_free(Ids *t)
{
    PyMem_Free(t->e);
    PyMem_Free(t->name);
}

static int
ids_init(Ids *t)
{
    memset(t, 0, sizeof(*t));
    t->mask = 1023;
    t->cap = 512;
    t->e = PyMem_Calloc(t->mask + 1, sizeof(IdEntry));
    t->name = PyMem_Malloc(sizeof(PyObject *) * t->cap);
    if (t->e == NULL || t->name == NULL) { PyErr_NoMemory(); return -1; }
    return 0;
}

/* the slot of *k*; when new: a new slot if *add*, else -1; -2 with an exception set */
static Py_ssize_t
ids_slot(Ids *t, PyObject *k, int add)
{
    if (!PyUnicode_Check(k)) {
        PyErr_SetString(PyExc_TypeError, "concept ids must be str");
        return -2;
    }
    Py_hash_t h = PyObject_Hash(k);
    if (h == -1) return -2;
    size_t i = (size_t)h & t->mask;
    for (IdEntry *e = &t->e[i]; e->key != NULL; e = &t->e[i = (i + 1) & t->mask]) {
        if (e->key == k) return e->slot;
        if (e->hash == h) {
            int c = PyUnicode_Compare(e->key, k);
            if (c == -1 && PyErr_Occurred()) return -2;
            if (c == 0) return e->slot;
        }
    }
    if (!add) return -1;
    if ((size_t)(t->n + 1) * 2 > t->mask + 1) { /* grow, then probe again */
        size_t size = (t->mask + 1) * 2;
        IdEntry *grown = PyMem_Calloc(size, sizeof(IdEntry));
        if (grown == NULL) { PyErr_NoMemory(); return -2; }
        for (size_t j = 0; j <= t->mask; j++) {
            if (t->e[j].key == NULL) continue;
            size_t at = (size_t)t->e[j].hash & (size - 1);
            while (grown[at].key != NULL) at = (at + 1) & (size - 1);
            grown[at] = t->e[j];
        }
        PyMem_Free(t->e);
        t->e = grown;
        t->mask = size - 1;
        for (i = (size_t)h & t->mask; t->e[i].key != NULL; i = (i + 1) & t->mask) {}
    }
    if (t->n == t->cap) {
        PyObject **names = PyMem_Realloc(t->name, sizeof(PyObject *) * t->cap * 2);
        if (names == NULL) { PyErr_NoMemory(); return -2; }
        t->name = names;
        t->cap *= 2;
    }
    t->e[i].key = k;
    t->e[i].hash = h;
    t->e[i].slot = t->n;
    t->name[t->n] = k;
    return t->n++;
}

/* Mark *mark*[v] for the slots given and every slot reached from them over the edges
 * start/idx/far: the edges of slot v are idx[start[v] .. start[v + 1]), far[e] the slot at
 * an edge's other end (the graph's pstart/pe/eb: every slot before them; sstart/se/ea:
 * every slot after them). */
static void
reach(const Py_ssize_t *from, Py_ssize_t nfrom, const Py_ssize_t *start, const Py_ssize_t *idx,
      const Py_ssize_t *far, char *mark, Py_ssize_t *queue)
{
    Py_ssize_t head = 0, tail = 0;
    for (Py_ssize_t k = 0; k < nfrom; k++) {
        if (!mark[from[k]]) { mark[from[k]] = 1; queue[tail++] = from[k]; }
    }
    while (head < tail) {
        Py_ssize_t v = queue[head++];
        for (Py_ssize_t x = start[v]; x < start[v + 1]; x++) {
            Py_ssize_t u = far[idx[x]];
            if (!mark[u]) { mark[u] = 1; queue[tail++] = u; }
        }
    }
}

/* The learning graph on integer slots: what prereq_plan, order_plan and path_plan share. */
typedef struct {
    Ids ids;
    Py_ssize_t ne, nloop;
    Py_ssize_t *eb, *ea, *ei;  /* edge e: before slot, after slot, relationship index */
    double *ecost;             /* and its cost (KIND_COST of the relationship's kind) */
    Py_ssize_t *loop_at;       /* the slot of each visible self-loop */
    Py_ssize_t nv;             /* slots, once indexed */
    Py_ssize_t *sstart, *se;   /* edges out of slot v: se[sstart[v] .. sstart[v + 1]) */
    Py_ssize_t *pstart, *pe;   /* edges into it, the same way; both in relationship order */
    Py_ssize_t *loops;         /* visible self-loops of each slot */
} Graph;

static void
graph_free(Graph *g)
{
    ids_free(&g->ids);
    PyMem_Free(g->eb); PyMem_Free(g->ea); PyMem_Free(g->ei); PyMem_Free(g->ecost);
    PyMem_Free(g->loop_at);
    PyMem_Free(g->sstart); PyMem_Free(g->se); PyMem_Free(g->pstart); PyMem_Free(g->pe);
    PyMem_Free(g->loops);
}

/* The edges of the relationships *fast* (a PySequence_Fast), each read by learning_edge
 * (memo, classify and unknown as there), their ends given slots. 0, or -1 with an exception
 * set (graph_free frees what was allocated either way). */
static int
graph_read(Graph *g, PyObject *fast, PyObject *memo, PyObject *classify, PyObject *unknown)
{
    memset(g, 0, sizeof(*g));
    if (ids_init(&g->ids) < 0) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    g->eb = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    g->ea = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    g->ei = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    g->ecost = PyMem_Malloc(sizeof(double) * (n + 1));
    g->loop_at = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    if (!g->eb || !g->ea || !g->ei || !g->ecost || !g->loop_at) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *before, *after, *cost;
        int what = learning_edge(PySequence_Fast_GET_ITEM(fast, i), i, memo, classify, unknown,
                                 &before, &after, &cost);
        Py_ssize_t bs = -2, as = -2;
        if (what == EDGE_LOOP) {
            if ((bs = ids_slot(&g->ids, before, 1)) >= 0) g->loop_at[g->nloop++] = bs;
        } else if (what == EDGE_LEARN && (bs = ids_slot(&g->ids, before, 1)) >= 0 &&
                   (as = ids_slot(&g->ids, after, 1)) >= 0) {
            g->eb[g->ne] = bs;
            g->ea[g->ne] = as;
            g->ecost[g->ne] = PyFloat_AsDouble(cost);
            g->ei[g->ne++] = i;
            if (PyErr_Occurred()) bs = -2;
        }
        /* the ids stay alive: the relationships hold them */
        Py_XDECREF(before); Py_XDECREF(after); Py_XDECREF(cost);
        if (what < 0 || (what != EDGE_SKIP && (bs < 0 || (what == EDGE_LEARN && as < 0))))
            return -1;
    }
    return 0;
}

/* The edges out of and into each slot, and the self-loops, once every slot is given. */
static int
graph_index(Graph *g)
{
    Py_ssize_t nv = g->nv = g->ids.n, ne = g->ne;
    g->sstart = PyMem_Calloc(nv + 2, sizeof(Py_ssize_t));
    g->pstart = PyMem_Calloc(nv + 2, sizeof(Py_ssize_t));
    g->se = PyMem_Malloc(sizeof(Py_ssize_t) * (ne + 1));
    g->pe = PyMem_Malloc(sizeof(Py_ssize_t) * (ne + 1));
    g->loops = PyMem_Calloc(nv + 1, sizeof(Py_ssize_t));
    if (!g->sstart || !g->pstart || !g->se || !g->pe || !g->loops) { PyErr_NoMemory(); return -1; }
    Py_ssize_t *ss = g->sstart, *ps = g->pstart;
    for (Py_ssize_t e = 0; e < ne; e++) { ss[g->eb[e] + 1]++; ps[g->ea[e] + 1]++; }
    for (Py_ssize_t v = 0; v < nv; v++) { ss[v + 1] += ss[v]; ps[v + 1] += ps[v]; }
    for (Py_ssize_t e = 0; e < ne; e++) { g->se[ss[g->eb[e]]++] = e; g->pe[ps[g->ea[e]]++] = e; }
    for (Py_ssize_t v = nv; v > 0; v--) { ss[v] = ss[v - 1]; ps[v] = ps[v - 1]; }
    ss[0] = ps[0] = 0;
    for (Py_ssize_t k = 0; k < g->nloop; k++) g->loops[g->loop_at[k]]++;
    return 0;
}

/* what _Learning.degree counts: learning edges out and in, and each self-loop twice */
#define DEGREE(g, v) \
    ((g)->sstart[(v) + 1] - (g)->sstart[v] + (g)->pstart[(v) + 1] - (g)->pstart[v] + \
     2 * (g)->loops[v])

/* rank[v]: the position by id (Python's string order, from one list.sort) of each of the
 * *m* slots with in[v]. 0, or -1 with an exception set. */
static int
graph_ranks(Graph *g, const char *in, Py_ssize_t m, Py_ssize_t *rank)
{
    PyObject *names = PyList_New(m);
    if (names == NULL) return -1;
    for (Py_ssize_t v = 0, j = 0; v < g->nv; v++) {
        if (!in[v]) continue;
        Py_INCREF(g->ids.name[v]);
        PyList_SET_ITEM(names, j++, g->ids.name[v]);
    }
    int rc = PyList_Sort(names);
    for (Py_ssize_t r = 0; rc == 0 && r < m; r++) {
        Py_ssize_t v = ids_slot(&g->ids, PyList_GET_ITEM(names, r), 0);
        if (v < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "an id lost its slot");
            rc = -1;
        } else {
            rank[v] = r;
        }
    }
    Py_DECREF(names);
    return rc;
}

/* Strongly connected components of the slots with in[v] (iterative Tarjan), completed in
 * reverse topological order: what a component leads to is complete before it. */
typedef struct {
    Py_ssize_t nc;
    Py_ssize_t *comp;        /* each slot's component, -1 outside */
    Py_ssize_t *comp_start;  /* component c: popped[comp_start[c] .. comp_start[c + 1]) */
    Py_ssize_t *popped;
} Comps;

static void
comps_free(Comps *c)
{
    PyMem_Free(c->comp); PyMem_Free(c->comp_start); PyMem_Free(c->popped);
}

static int
graph_components(Graph *g, const char *in, Comps *c)
{
    Py_ssize_t nv = g->nv;
    memset(c, 0, sizeof(*c));
    c->comp = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    c->comp_start = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    c->popped = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    Py_ssize_t *low = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    Py_ssize_t *num = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    Py_ssize_t *stack = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    Py_ssize_t *work_v = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    Py_ssize_t *work_x = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    char *on_stack = PyMem_Calloc(nv + 1, 1);
    int rc = -1;
    if (!c->comp || !c->comp_start || !c->popped || !low || !num || !stack || !work_v ||
        !work_x || !on_stack) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t *comp = c->comp, *popped = c->popped, *ea = g->ea, *se = g->se, *ss = g->sstart;
    Py_ssize_t nc = 0, npopped = 0, counter = 0, sp = 0;
    for (Py_ssize_t v = 0; v < nv; v++) { comp[v] = -1; num[v] = -1; }
    for (Py_ssize_t root = 0; root < nv; root++) {
        if (!in[root] || num[root] >= 0) continue;
        Py_ssize_t wp = 0;
        num[root] = low[root] = counter++;
        stack[sp++] = root;
        on_stack[root] = 1;
        work_v[wp] = root;
        work_x[wp++] = ss[root];
        while (wp > 0) {
            Py_ssize_t v = work_v[wp - 1];
            int descended = 0;
            while (work_x[wp - 1] < ss[v + 1]) {
                Py_ssize_t w = ea[se[work_x[wp - 1]++]];
                if (!in[w]) continue;
                if (num[w] < 0) {
                    num[w] = low[w] = counter++;
                    stack[sp++] = w;
                    on_stack[w] = 1;
                    work_v[wp] = w;
                    work_x[wp++] = ss[w];
                    descended = 1;
                    break;
                }
                if (on_stack[w] && num[w] < low[v]) low[v] = num[w];
            }
            if (descended) continue;
            wp--;
            if (wp > 0 && low[v] < low[work_v[wp - 1]]) low[work_v[wp - 1]] = low[v];
            if (low[v] == num[v]) {
                c->comp_start[nc] = npopped;
                Py_ssize_t w;
                do {
                    w = stack[--sp];
                    on_stack[w] = 0;
                    comp[w] = nc;
                    popped[npopped++] = w;
                } while (w != v);
                nc++;
            }
        }
    }
    c->comp_start[nc] = npopped;
    c->nc = nc;
    rc = 0;
done:
    PyMem_Free(low); PyMem_Free(num); PyMem_Free(stack); PyMem_Free(work_v);
    PyMem_Free(work_x); PyMem_Free(on_stack);
    return rc;
}

/* Append (ids, indices of the relationships between them) to *out* for each component of
 * more than one slot: 0, or -1 with an exception set. */
static int
graph_cycles(Graph *g, Comps *c, PyObject *out)
{
    for (Py_ssize_t ci = 0; ci < c->nc; ci++) {
        Py_ssize_t a = c->comp_start[ci], b = c->comp_start[ci + 1];
        if (b - a < 2) continue;
        PyObject *members = PyList_New(b - a), *inside = PyList_New(0), *pair = NULL;
        int rc = members && inside ? 0 : -1;
        for (Py_ssize_t k = a; rc == 0 && k < b; k++) {
            Py_ssize_t v = c->popped[k];
            Py_INCREF(g->ids.name[v]);
            PyList_SET_ITEM(members, k - a, g->ids.name[v]);
            for (Py_ssize_t x = g->sstart[v]; rc == 0 && x < g->sstart[v + 1]; x++) {
                if (c->comp[g->ea[g->se[x]]] != ci) continue;
                PyObject *iv = PyLong_FromSsize_t(g->ei[g->se[x]]);
                rc = iv ? PyList_Append(inside, iv) : -1;
                Py_XDECREF(iv);
            }
        }
        if (rc == 0 && (pair = PyTuple_Pack(2, members, inside)) == NULL) rc = -1;
        if (rc == 0) rc = PyList_Append(out, pair);
        Py_XDECREF(pair);
        Py_XDECREF(members);
        Py_XDECREF(inside);
        if (rc < 0) return -1;
    }
    return 0;
}

/* prereq_plan(rels, memo, classify, unknown, target, known)
 *     -> (order, depths, vias, cycles, nodes, left_out, target_known)
 *
 * paths.prerequisites from the relationships up, without a learning graph of Python
 * dicts, lists and tuples (the 130,000 relationships of a 100k-concept map): the learning
 * edges as learning_edge reads them (memo, classify and unknown too, the same way); what
 * comes before the target and is not known (*nodes*, a set, the target among it), what
 * that leaves out (*left_out*, counted when *known* names any concept) and whether the
 * target itself is known; then, for those nodes, each one's depth and via (below) and
 * the order: by (-depth, -degree, id), the members of a cycle together at the place of
 * their first; degree counts the learning edges in and out and twice the self-loops.
 * Lists aligned with *order* (the target left out). *cycles*: for each component of
 * more than one concept, (its ids, the indices of the relationships between them). */
static PyObject *
py_prereq_plan(PyObject *self, PyObject *args)
{
    PyObject *rels, *memo, *classify, *unknown, *target, *known;
    if (!PyArg_ParseTuple(args, "OO!OO!UO", &rels, &PyDict_Type, &memo, &classify,
                          &PyDict_Type, &unknown, &target, &known))
        return NULL;
    PyObject *fast = PySequence_Fast(rels, "rels must be a sequence");
    if (fast == NULL) return NULL;
    PyObject *kfast = PySequence_Fast(known, "known must be a sequence");
    if (kfast == NULL) { Py_DECREF(fast); return NULL; }
    Py_ssize_t nk = PySequence_Fast_GET_SIZE(kfast);
    Graph g;
    Comps c;
    memset(&c, 0, sizeof(c));
    PyObject *result = NULL, *order = NULL, *depths = NULL, *vias = NULL, *cycles = NULL;
    PyObject *nodes = NULL;
    Py_ssize_t *ks = NULL, *queue = NULL, *rank = NULL, *depth = NULL, *via = NULL, *mate = NULL;
    char *done = NULL, *before = NULL, *in = NULL;
    Key2 *keys = NULL;
    if (graph_read(&g, fast, memo, classify, unknown) < 0) goto error;
    Py_ssize_t tslot = ids_slot(&g.ids, target, 1);
    if (tslot < 0) goto error;
    if ((ks = PyMem_Malloc(sizeof(Py_ssize_t) * (nk + 1))) == NULL) { PyErr_NoMemory(); goto error; }
    for (Py_ssize_t k = 0; k < nk; k++) {
        if ((ks[k] = ids_slot(&g.ids, PySequence_Fast_GET_ITEM(kfast, k), 1)) < 0) goto error;
    }
    if (graph_index(&g) < 0) goto error;
    Py_ssize_t nv = g.nv;
    queue = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    rank = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    done = PyMem_Calloc(nv + 1, 1);
    before = PyMem_Calloc(nv + 1, 1);
    in = PyMem_Calloc(nv + 1, 1);
    if (!queue || !rank || !done || !before || !in) { PyErr_NoMemory(); goto error; }
    /* known concepts and what comes before them; what comes before the target */
    reach(ks, nk, g.pstart, g.pe, g.eb, done, queue);
    reach(&tslot, 1, g.pstart, g.pe, g.eb, before, queue);
    int target_known = done[tslot];
    Py_ssize_t left_out = 0, m = 0;
    for (Py_ssize_t v = 0; v < nv; v++) {
        if (nk && before[v] && done[v] && v != tslot) left_out++;
        if (before[v] && (!done[v] || v == tslot)) { in[v] = 1; m++; }
    }
    if ((nodes = PySet_New(NULL)) == NULL) goto error;
    for (Py_ssize_t v = 0; v < nv; v++) {
        if (in[v] && PySet_Add(nodes, g.ids.name[v]) < 0) goto error;
    }
    if (graph_ranks(&g, in, m, rank) < 0 || graph_components(&g, in, &c) < 0) goto error;
    /* each concept's depth, the longest chain of learning edges to the target (the
       members of a cycle share one; the target's cycle mates 1), and the index of the
       relationship that starts that chain (ties: the next concept of smallest id, then
       the smallest index; a cycle member whose own links do not start it: its first
       link to a mate); components in completion order, so what one leads to is done */
    depth = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    via = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    mate = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    keys = PyMem_Malloc(sizeof(Key2) * (m + 1));
    if (!depth || !via || !mate || !keys) { PyErr_NoMemory(); goto error; }
    for (Py_ssize_t ci = 0; ci < c.nc; ci++) {
        Py_ssize_t a = c.comp_start[ci], b = c.comp_start[ci + 1];
        Py_ssize_t shared = c.comp[tslot] == ci ? 1 : 0;
        for (Py_ssize_t k = a; k < b; k++) {
            Py_ssize_t v = c.popped[k], best_d = -1, best_w = -1, best_i = -1;
            Py_ssize_t mate_w = -1, mate_i = -1;
            for (Py_ssize_t x = g.sstart[v]; x < g.sstart[v + 1]; x++) {
                Py_ssize_t e = g.se[x], w = g.ea[e], i = g.ei[e];
                if (!in[w]) continue;
                if (c.comp[w] == ci) {
                    if (mate_w < 0 || rank[w] < rank[mate_w] ||
                        (rank[w] == rank[mate_w] && i < mate_i)) { mate_w = w; mate_i = i; }
                    continue;
                }
                Py_ssize_t d = depth[w] + 1;
                if (d > best_d || (d == best_d && (rank[w] < rank[best_w] ||
                                                   (rank[w] == rank[best_w] && i < best_i)))) {
                    best_d = d; best_w = w; best_i = i;
                }
            }
            depth[v] = best_d;
            via[v] = best_i;
            mate[v] = mate_i;
            if (best_d > shared) shared = best_d;
        }
        for (Py_ssize_t k = a; k < b; k++) {
            Py_ssize_t v = c.popped[k];
            if (depth[v] != shared) via[v] = mate[v];  /* the chain starts with a mate */
            depth[v] = v == tslot ? 0 : shared;
        }
    }
    /* order: (-depth, -degree, id), a cycle's members at the place of its first */
    for (Py_ssize_t k = 0; k < m; k++) {
        Py_ssize_t v = c.popped[k];
        keys[k].own.a = -(long long)depth[v];
        keys[k].own.b = -(long long)DEGREE(&g, v);
        keys[k].own.pos = rank[v];
        keys[k].own.slot = v;
    }
    for (Py_ssize_t ci = 0; ci < c.nc; ci++) {  /* keys[k] is popped[k]'s: by component */
        Py_ssize_t a = c.comp_start[ci], b = c.comp_start[ci + 1], first = a;
        for (Py_ssize_t k = a + 1; k < b; k++)
            if (key_cmp(&keys[k].own, &keys[first].own) < 0) first = k;
        for (Py_ssize_t k = a; k < b; k++) keys[k].comp = keys[first].own;
    }
    qsort(keys, m, sizeof(Key2), key2_cmp);
    order = PyList_New(0);
    depths = PyList_New(0);
    vias = PyList_New(0);
    cycles = PyList_New(0);
    if (!order || !depths || !vias || !cycles) goto error;
    for (Py_ssize_t r = 0; r < m; r++) {
        Py_ssize_t v = keys[r].own.slot;
        if (v == tslot) continue;
        PyObject *dv = PyLong_FromSsize_t(depth[v]), *vv = PyLong_FromSsize_t(via[v]);
        int rc = (dv && vv) ? 0 : -1;
        if (rc == 0) rc = PyList_Append(order, g.ids.name[v]);
        if (rc == 0) rc = PyList_Append(depths, dv);
        if (rc == 0) rc = PyList_Append(vias, vv);
        Py_XDECREF(dv);
        Py_XDECREF(vv);
        if (rc < 0) goto error;
    }
    if (graph_cycles(&g, &c, cycles) < 0) goto error;
    result = Py_BuildValue("(OOOOOnO)", order, depths, vias, cycles, nodes, left_out,
                           target_known ? Py_True : Py_False);
error:
    Py_XDECREF(order); Py_XDECREF(depths); Py_XDECREF(vias); Py_XDECREF(cycles);
    Py_XDECREF(nodes);
    Py_DECREF(fast); Py_DECREF(kfast);
    graph_free(&g); /* safe after a failed graph_read too */
    comps_free(&c);
    PyMem_Free(ks); PyMem_Free(queue); PyMem_Free(rank); PyMem_Free(depth); PyMem_Free(via);
    PyMem_Free(mate); PyMem_Free(done); PyMem_Free(before); PyMem_Free(in); PyMem_Free(keys);
    return result;
}

/* order_plan(rels, memo, classify, unknown, concepts, known)
 *     -> (order, levels, into, cycles, left_out)
 *
 * paths.learning_order from the relationships up, as prereq_plan does for prerequisites:
 * the nodes are the concepts (ids) and the ends of learning edges; each one's level is
 * the longest chain of learning edges before it (a cycle's members share the highest any
 * of them gets from outside, a cycle counting as one link); the order is Kahn's on the
 * components, of the ready ones the one whose first member by (level, -degree, id) comes
 * first, its members in that order. Known concepts (ids not among the nodes are passed
 * over) and all before them are left out of *order* (counted in *left_out*); *levels*
 * and *into* (each one's relationships in, by index) are aligned with it; *cycles* as
 * prereq_plan's. */
static PyObject *
py_order_plan(PyObject *self, PyObject *args)
{
    PyObject *rels, *memo, *classify, *unknown, *concepts, *known;
    if (!PyArg_ParseTuple(args, "OO!OO!OO", &rels, &PyDict_Type, &memo, &classify,
                          &PyDict_Type, &unknown, &concepts, &known))
        return NULL;
    PyObject *fast = PySequence_Fast(rels, "rels must be a sequence");
    if (fast == NULL) return NULL;
    PyObject *cfast = PySequence_Fast(concepts, "concepts must be a sequence");
    if (cfast == NULL) { Py_DECREF(fast); return NULL; }
    PyObject *kfast = PySequence_Fast(known, "known must be a sequence");
    if (kfast == NULL) { Py_DECREF(fast); Py_DECREF(cfast); return NULL; }
    Py_ssize_t nk = PySequence_Fast_GET_SIZE(kfast), ncon = PySequence_Fast_GET_SIZE(cfast);
    Graph g;
    Comps c;
    memset(&c, 0, sizeof(c));
    Heap h;
    memset(&h, 0, sizeof(h));
    PyObject *result = NULL, *order = NULL, *levels = NULL, *into = NULL, *cycles = NULL;
    Py_ssize_t *ks = NULL, *queue = NULL, *rank = NULL, *level = NULL;
    Py_ssize_t *mem = NULL, *fill = NULL, *indeg = NULL, *crank = NULL;
    char *done = NULL, *in = NULL;
    Key *keys = NULL;
    Py_ssize_t nks = 0, left_out = 0;
    if (graph_read(&g, fast, memo, classify, unknown) < 0) goto error;
    for (Py_ssize_t k = 0; k < ncon; k++) {
        if (ids_slot(&g.ids, PySequence_Fast_GET_ITEM(cfast, k), 1) < 0) goto error;
    }
    if ((ks = PyMem_Malloc(sizeof(Py_ssize_t) * (nk + 1))) == NULL) { PyErr_NoMemory(); goto error; }
    for (Py_ssize_t k = 0; k < nk; k++) {
        Py_ssize_t s = ids_slot(&g.ids, PySequence_Fast_GET_ITEM(kfast, k), 0);
        if (s == -2) goto error;
        if (s >= 0) ks[nks++] = s;
    }
    if (graph_index(&g) < 0) goto error;
    Py_ssize_t nv = g.nv;
    queue = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    rank = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    level = PyMem_Calloc(nv + 1, sizeof(Py_ssize_t));
    mem = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    fill = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    indeg = PyMem_Calloc(nv + 1, sizeof(Py_ssize_t));
    done = PyMem_Calloc(nv + 1, 1);
    in = PyMem_Calloc(nv + 1, 1);
    keys = PyMem_Malloc(sizeof(Key) * (nv + 1));
    crank = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    if (!queue || !rank || !level || !mem || !fill || !indeg || !done || !in || !keys ||
        !crank) {
        PyErr_NoMemory();
        goto error;
    }
    /* the nodes: every concept, and every end of a learning edge (not a slot that only a
       self-loop made) */
    Py_ssize_t m = 0;
    for (Py_ssize_t k = 0; k < ncon; k++) {
        Py_ssize_t v = ids_slot(&g.ids, PySequence_Fast_GET_ITEM(cfast, k), 0);
        if (v < 0) { if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "lost id"); goto error; }
        in[v] = 1;
    }
    for (Py_ssize_t v = 0; v < nv; v++) {
        if (g.sstart[v + 1] > g.sstart[v] || g.pstart[v + 1] > g.pstart[v]) in[v] = 1;
        m += in[v];
    }
    reach(ks, nks, g.pstart, g.pe, g.eb, done, queue);
    if (graph_ranks(&g, in, m, rank) < 0 || graph_components(&g, in, &c) < 0) goto error;
    /* levels, components from the first in topological order (the last completed) */
    for (Py_ssize_t ci = c.nc - 1; ci >= 0; ci--) {
        Py_ssize_t a = c.comp_start[ci], b = c.comp_start[ci + 1], top = 0;
        for (Py_ssize_t k = a; k < b; k++) if (level[c.popped[k]] > top) top = level[c.popped[k]];
        for (Py_ssize_t k = a; k < b; k++) {
            Py_ssize_t v = c.popped[k];
            level[v] = top;
            for (Py_ssize_t x = g.sstart[v]; x < g.sstart[v + 1]; x++) {
                Py_ssize_t w = g.ea[g.se[x]];
                if (c.comp[w] == ci) continue;
                if (level[w] < top + 1) level[w] = top + 1;
                indeg[c.comp[w]]++;  /* parallel links count (and release) once each */
            }
        }
    }
    /* every node's place by (level, -degree, id); each component's members in that order
       (mem[fill..]), the component ranked by its first */
    Py_ssize_t nkeys = 0;
    for (Py_ssize_t v = 0; v < nv; v++) {
        if (!in[v]) continue;
        keys[nkeys].a = level[v];
        keys[nkeys].b = -(long long)DEGREE(&g, v);
        keys[nkeys].pos = rank[v];
        keys[nkeys++].slot = v;
    }
    qsort(keys, nkeys, sizeof(Key), key_cmp);
    for (Py_ssize_t ci = 0; ci < c.nc; ci++) { fill[ci] = c.comp_start[ci]; crank[ci] = -1; }
    for (Py_ssize_t r = 0; r < nkeys; r++) {
        Py_ssize_t v = keys[r].slot, ci = c.comp[v];
        mem[fill[ci]++] = v;
        if (crank[ci] < 0) crank[ci] = r;
    }
    order = PyList_New(0);
    levels = PyList_New(0);
    into = PyList_New(0);
    cycles = PyList_New(0);
    if (!order || !levels || !into || !cycles) goto error;
    for (Py_ssize_t ci = 0; ci < c.nc; ci++) {
        if (indeg[ci] == 0 && heap_push(&h, (double)crank[ci], ci) < 0) goto error;
    }
    while (h.n > 0) {
        double rank_of;
        Py_ssize_t ci;
        heap_pop(&h, &rank_of, &ci);
        for (Py_ssize_t k = c.comp_start[ci]; k < c.comp_start[ci + 1]; k++) {
            Py_ssize_t v = mem[k];
            for (Py_ssize_t x = g.sstart[v]; x < g.sstart[v + 1]; x++) {
                Py_ssize_t cw = c.comp[g.ea[g.se[x]]];
                if (cw != ci && --indeg[cw] == 0 && heap_push(&h, (double)crank[cw], cw) < 0)
                    goto error;
            }
            if (done[v]) { left_out++; continue; }
            PyObject *lv = PyLong_FromSsize_t(level[v]);
            PyObject *ins = PyList_New(g.pstart[v + 1] - g.pstart[v]);
            int rc = lv && ins ? 0 : -1;
            for (Py_ssize_t x = g.pstart[v]; rc == 0 && x < g.pstart[v + 1]; x++) {
                PyObject *iv = PyLong_FromSsize_t(g.ei[g.pe[x]]);
                if (iv == NULL) rc = -1; else PyList_SET_ITEM(ins, x - g.pstart[v], iv);
            }
            if (rc == 0) rc = PyList_Append(order, g.ids.name[v]);
            if (rc == 0) rc = PyList_Append(levels, lv);
            if (rc == 0) rc = PyList_Append(into, ins);
            Py_XDECREF(lv);
            Py_XDECREF(ins);
            if (rc < 0) goto error;
        }
    }
    if (graph_cycles(&g, &c, cycles) < 0) goto error;
    result = Py_BuildValue("(OOOOn)", order, levels, into, cycles, left_out);
error:
    Py_XDECREF(order); Py_XDECREF(levels); Py_XDECREF(into); Py_XDECREF(cycles);
    Py_DECREF(fast); Py_DECREF(cfast); Py_DECREF(kfast);
    graph_free(&g);
    comps_free(&c);
    PyMem_Free(h.d); PyMem_Free(h.v); PyMem_Free(crank);
    PyMem_Free(ks); PyMem_Free(queue); PyMem_Free(rank); PyMem_Free(level);
    PyMem_Free(mem); PyMem_Free(fill); PyMem_Free(indeg); PyMem_Free(done); PyMem_Free(in);
    PyMem_Free(keys);
    return result;
}

/* One side of the bidirectional search: its distances, how each slot was reached
 * (previous slot, relationship index, along the order?, step cost), heap, done. */
typedef struct {
    double *dist;
    char *has, *done;
    Py_ssize_t *pv, *pi;
    char *pfwd;
    double *pc;
    Heap heap;
} Side;

static void
side_free(Side *s)
{
    PyMem_Free(s->dist); PyMem_Free(s->has); PyMem_Free(s->done); PyMem_Free(s->pv);
    PyMem_Free(s->pi); PyMem_Free(s->pfwd); PyMem_Free(s->pc);
    PyMem_Free(s->heap.d); PyMem_Free(s->heap.v);
}

static int
side_init(Side *s, Py_ssize_t nv, PyObject **name, Py_ssize_t from)
{
    memset(s, 0, sizeof(*s));
    s->dist = PyMem_Malloc(sizeof(double) * (nv + 1));
    s->has = PyMem_Calloc(nv + 1, 1);
    s->done = PyMem_Calloc(nv + 1, 1);
    s->pv = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    s->pi = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    s->pfwd = PyMem_Malloc(nv + 1);
    s->pc = PyMem_Malloc(sizeof(double) * (nv + 1));
    if (!s->dist || !s->has || !s->done || !s->pv || !s->pi || !s->pfwd || !s->pc) {
        PyErr_NoMemory();
        return -1;
    }
    s->heap.name = name;
    s->dist[from] = 0.0;
    s->has[from] = 1;
    return heap_push(&s->heap, 0.0, from);
}

/* Append (from, to, relationship index, along the order?, cost) to *route*, the step
 * that side *s* recorded at slot *at*: 0, or -1 with an exception set. */
static int
append_step(PyObject *route, Graph *g, Side *s, Py_ssize_t from, Py_ssize_t to, Py_ssize_t at)
{
    PyObject *step = Py_BuildValue("(OOnOd)", g->ids.name[from], g->ids.name[to], s->pi[at],
                                   s->pfwd[at] ? Py_True : Py_False, s->pc[at]);
    int rc = step ? PyList_Append(route, step) : -1;
    Py_XDECREF(step);
    return rc;
}

/* path_plan(rels, memo, classify, unknown, start, goal, any_direction)
 *     -> (found, reverse, cycles, decided)
 *
 * paths.learning_path from the relationships up, on prereq_plan's slot graph: found is
 * None or (cost, [(from, to, relationship index, along the order?, cost)]), the route of
 * paths._dijkstra (the same bidirectional search, step for step: sides chosen by heap
 * size, ties by id, then by relationship index, 1e-12 tolerances); reverse as there
 * (computed when nothing is found or with any_direction); with a route, *cycles* (as
 * prereq_plan's) of the region between start and goal, else *decided*: the indices of
 * the relationships whose reading decided that there is none (see learning_path). */
static PyObject *
py_path_plan(PyObject *self, PyObject *args)
{
    PyObject *rels, *memo, *classify, *unknown, *start, *goal;
    int any_direction;
    if (!PyArg_ParseTuple(args, "OO!OO!UUp", &rels, &PyDict_Type, &memo, &classify,
                          &PyDict_Type, &unknown, &start, &goal, &any_direction))
        return NULL;
    PyObject *fast = PySequence_Fast(rels, "rels must be a sequence");
    if (fast == NULL) return NULL;
    Graph g;
    Comps c;
    Side sides[2];
    memset(&c, 0, sizeof(c));
    memset(sides, 0, sizeof(sides));
    PyObject *result = NULL, *found = NULL, *route = NULL, *cycles = NULL, *decided = NULL;
    Py_ssize_t *queue = NULL;
    char *m1 = NULL, *m2 = NULL, *m3 = NULL, *in = NULL;
    if (graph_read(&g, fast, memo, classify, unknown) < 0) goto error;
    Py_ssize_t ss = ids_slot(&g.ids, start, 1), gs = ss < 0 ? -2 : ids_slot(&g.ids, goal, 1);
    if (ss < 0 || gs < 0 || graph_index(&g) < 0) goto error;
    Py_ssize_t nv = g.nv;
    queue = PyMem_Malloc(sizeof(Py_ssize_t) * (nv + 1));
    m1 = PyMem_Calloc(nv + 1, 1);
    m2 = PyMem_Calloc(nv + 1, 1);
    m3 = PyMem_Calloc(nv + 1, 1);
    in = PyMem_Calloc(nv + 1, 1);
    if (!queue || !m1 || !m2 || !m3 || !in) { PyErr_NoMemory(); goto error; }
    route = PyList_New(0);
    cycles = PyList_New(0);
    decided = PyList_New(0);
    if (!route || !cycles || !decided) goto error;
    double best = Py_HUGE_VAL;
    Py_ssize_t meet = -1;
    if (ss == gs) {
        best = 0.0;
        meet = ss;
    } else {
        if (side_init(&sides[0], nv, g.ids.name, ss) < 0 ||
            side_init(&sides[1], nv, g.ids.name, gs) < 0)
            goto error;
        int nadj = any_direction ? 2 : 1;
        while (sides[0].heap.n && sides[1].heap.n) {
            if (sides[0].heap.d[0] + sides[1].heap.d[0] >= best) break;
            int side = sides[0].heap.n <= sides[1].heap.n ? 0 : 1;
            Side *me = &sides[side], *other = &sides[1 - side];
            double d;
            Py_ssize_t v;
            heap_pop(&me->heap, &d, &v);
            if (me->done[v]) continue;
            me->done[v] = 1;
            for (int a = 0; a < nadj; a++) {
                /* forward side: along the order (edges out), then against it (edges in,
                   cost x2); backward side: edges in, then edges out */
                int out = (side == 0) == (a == 0);
                int forward = a == 0;
                double factor = a == 0 ? 1.0 : 2.0;
                const Py_ssize_t *st = out ? g.sstart : g.pstart, *ix = out ? g.se : g.pe;
                const Py_ssize_t *far = out ? g.ea : g.eb;
                for (Py_ssize_t x = st[v]; x < st[v + 1]; x++) {
                    Py_ssize_t e = ix[x], w = far[e], i = g.ei[e];
                    double cost = g.ecost[e] * factor, nd = d + cost;
                    if (!me->has[w] || nd < me->dist[w] - 1e-12 ||
                        (fabs(nd - me->dist[w]) <= 1e-12 && i < me->pi[w])) {
                        if (me->done[w]) continue;
                        me->dist[w] = nd;
                        me->has[w] = 1;
                        me->pv[w] = v;
                        me->pi[w] = i;
                        me->pfwd[w] = (char)forward;
                        me->pc[w] = cost;
                        if (heap_push(&me->heap, nd, w) < 0) goto error;
                    }
                    if (other->has[w] && me->dist[w] + other->dist[w] < best - 1e-12) {
                        best = me->dist[w] + other->dist[w];
                        meet = w;
                    }
                }
            }
        }
    }
    if (meet >= 0 && ss != gs) {  /* start .. meet, walked back; then meet .. goal */
        for (Py_ssize_t v = meet; v != ss; v = sides[0].pv[v]) {  /* reached v from pv[v] */
            if (append_step(route, &g, &sides[0], sides[0].pv[v], v, v) < 0) goto error;
        }
        if (PyList_Reverse(route) < 0) goto error;
        for (Py_ssize_t u = meet; u != gs; u = sides[1].pv[u]) {  /* u leads to pv[u] */
            if (append_step(route, &g, &sides[1], u, sides[1].pv[u], u) < 0) goto error;
        }
    }
    /* is goal learned before start? */
    int reverse = 0;
    if (meet < 0 || any_direction) {
        if (ss == gs) {
            reverse = 1;
        } else {
            reach(&ss, 1, g.pstart, g.pe, g.eb, m1, queue);
            reverse = m1[gs];
        }
    }
    if (meet >= 0) {
        /* cycles in the region between start and goal: after start, before goal */
        reach(&ss, 1, g.sstart, g.se, g.ea, m2, queue);
        reach(&gs, 1, g.pstart, g.pe, g.eb, m3, queue);
        for (Py_ssize_t v = 0; v < nv; v++) in[v] = m2[v] && m3[v];
        if (graph_components(&g, in, &c) < 0 || graph_cycles(&g, &c, cycles) < 0) goto error;
        found = Py_BuildValue("(dO)", best, route);
        if (found == NULL) goto error;
    } else {
        /* the links u -> v with v after a and u before b, for (a, b) = (start, goal),
           and (goal, start) too where there is no route back either */
        for (int pass = 0; pass < (reverse ? 1 : 2); pass++) {
            Py_ssize_t a = pass ? gs : ss, b = pass ? ss : gs;
            memset(m2, 0, nv + 1);
            memset(m3, 0, nv + 1);
            reach(&a, 1, g.sstart, g.se, g.ea, m2, queue);
            reach(&b, 1, g.pstart, g.pe, g.eb, m3, queue);
            for (Py_ssize_t v = 0; v < nv; v++) {
                if (!m2[v]) continue;
                for (Py_ssize_t x = g.pstart[v]; x < g.pstart[v + 1]; x++) {
                    Py_ssize_t e = g.pe[x];
                    if (!m3[g.eb[e]]) continue;
                    if (append_ssize(decided, g.ei[e]) < 0) goto error;
                }
            }
        }
        found = Py_None;
        Py_INCREF(found);
    }
    result = Py_BuildValue("(OOOO)", found, reverse ? Py_True : Py_False, cycles, decided);
error:
    Py_XDECREF(found); Py_XDECREF(route); Py_XDECREF(cycles); Py_XDECREF(decided);
    Py_DECREF(fast);
    graph_free(&g);
    comps_free(&c);
    side_free(&sides[0]);
    side_free(&sides[1]);
    PyMem_Free(queue); PyMem_Free(m1); PyMem_Free(m2); PyMem_Free(m3);
    PyMem_Free(in);
    return result;
}

static PyMethodDef methods[] = {
    {"fast_match", py_fast_match, METH_VARARGS,
     "fast_match(src, pos) -> None or the spans of _FAST_RE.match(src, pos)"},
    {"fast_run", py_fast_run, METH_VARARGS,
     "fast_run(src, pos, vertices, pair_count, edges, members, vertex_cls, "
     "parts_of, link_parts, statement_words) -> pos"},
    {"relationship_records", py_relationship_records, METH_VARARGS,
     "relationship_records(cls, fields_set, edges, kinds, kind_of, styles, starts, offsets, "
     "first_line) -> list"},
    {"concept_records", py_concept_records, METH_VARARGS,
     "concept_records(cls, fields_set, vertices, sub_ids, owner, starts, offsets, "
     "first_line) -> list"},
    {"path_plan", py_path_plan, METH_VARARGS,
     "path_plan(rels, memo, classify, unknown, start, goal, any_direction) -> (found, "
     "reverse, cycles, decided)"},
    {"order_plan", py_order_plan, METH_VARARGS,
     "order_plan(rels, memo, classify, unknown, concepts, known) -> (order, levels, into, "
     "cycles, left_out)"},
    {"prereq_plan", py_prereq_plan, METH_VARARGS,
     "prereq_plan(rels, memo, classify, unknown, target, known) -> (order, depths, vias, "
     "cycles, nodes, left_out, target_known)"},
    {"trusted_many", py_trusted_many, METH_VARARGS,
     "trusted_many(cls, fields_set, rows) -> list of unvalidated models"},
    {"trusted_columns", py_trusted_columns, METH_VARARGS,
     "trusted_columns(cls, fields_set, names, columns) -> list of unvalidated models"},
    {"line_starts", py_line_starts, METH_VARARGS, "line_starts(src) -> offsets of line starts"},
    {"line_marks", py_line_marks, METH_VARARGS,
     "line_marks(src) -> (begins, ends, shifts) of markdown-it's block state"},
    {"trusted_picks", py_trusted_picks, METH_VARARGS,
     "trusted_picks(cls, fields_set, names, sources, indices) -> list of unvalidated models"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "conceptmap._speedups",
    "Compiled twins of the parser's and the model's hot loops (optional).", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
#define INTERN(var, text) \
    if ((var = PyUnicode_InternFromString(text)) == NULL) return NULL
    INTERN(s_text, "text");
    INTERN(s_label_type, "label_type");
    INTERN(s_shape, "shape");
    INTERN(s_square, "square");
    INTERN(s_empty, "");
    INTERN(s_fields_set, "__pydantic_fields_set__");
    INTERN(s_extra, "__pydantic_extra__");
    INTERN(s_private, "__pydantic_private__");
    INTERN(s_id, "id");
    INTERN(s_pos, "pos");
    INTERN(k_id, "id");
    INTERN(k_label, "label");
    INTERN(k_shape, "shape");
    INTERN(k_subgraph, "subgraph");
    INTERN(k_classes, "classes");
    INTERN(k_line, "line");
    INTERN(k_column, "column");
    INTERN(k_label_type, "label_type");
    INTERN(k_styles, "styles");
    INTERN(k_link, "link");
    INTERN(k_tooltip, "tooltip");
    INTERN(k_source, "source");
    INTERN(k_target, "target");
    INTERN(k_kind, "kind");
    INTERN(k_stroke, "stroke");
    INTERN(k_head, "head");
    INTERN(k_tail, "tail");
    INTERN(k_length, "length");
    INTERN(k_user_id, "user_id");
#undef INTERN
    if ((empty_tuple = PyTuple_New(0)) == NULL) return NULL;
    PyObject *m = PyModule_Create(&module);
    /* conceptmap._accel uses the module only if this matches its own API (a stale build,
       say an editable install's, left from an older checkout, is ignored, not called) */
    if (m != NULL && PyModule_AddIntConstant(m, "API", SPEEDUPS_API) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
