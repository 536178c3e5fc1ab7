/* Optional compiled helpers for the hot loops of large maps.
 *
 * Each function here has a pure-Python twin that stays the reference (and the fallback
 * where this module was not built): `fast_run` is `_FlowParser._fast_run` of
 * conceptmap/parse/flowchart.py with `_FAST_RE` written out by hand, and `trusted_many` is
 * `conceptmap.model.trusted_many`. tests/test_speedups.py checks that both give the same
 * answers (the scanner against the regex, span by span, on generated text).
 *
 * Built by setup.py as an optional extension: a machine without a C compiler installs the
 * package without it, and everything works, only slower.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Interned attribute names and constant strings, made once at import. */
static PyObject *s_text, *s_label_type, *s_shape, *s_square, *s_empty, *s_dict,
    *s_fields_set, *s_extra, *s_private;

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

/* The vertex of *vid* (made with vertex_cls(vid, pos) when new), with its [text] applied as
 * the fast path does. Returns a borrowed reference (held by *vertices*). */
static PyObject *
touch_vertex(PyObject *vertices, PyObject *vertex_cls, PyObject *vid, Py_ssize_t pos,
             PyObject *text)
{
    PyObject *v = PyDict_GetItemWithError(vertices, vid);
    if (v == NULL) {
        if (PyErr_Occurred()) return NULL;
        PyObject *p = PyLong_FromSsize_t(pos);
        if (p == NULL) return NULL;
        PyObject *argv[2] = {vid, p};
        v = PyObject_Vectorcall(vertex_cls, argv, 2, NULL);
        Py_DECREF(p);
        if (v == NULL) return NULL;
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

/* fast_run(src, pos, vertices, pair_count, edges, edge_by_id, members, vertex_cls,
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
    PyObject *src, *vertices, *pair_count, *edges, *edge_by_id, *members, *vertex_cls,
        *parts_of, *link_parts, *statement_words;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "UnO!O!O!O!OOO!OO", &src, &pos, &PyDict_Type, &vertices,
                          &PyDict_Type, &pair_count, &PyList_Type, &edges, &PyDict_Type,
                          &edge_by_id, &members, &vertex_cls, &PyDict_Type, &parts_of,
                          &link_parts, &statement_words))
        return NULL;
    if (check_text(src) < 0) return NULL;
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
        if (touch_vertex(vertices, vertex_cls, id1, m.s1, text1) == NULL) goto error;
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
        if (touch_vertex(vertices, vertex_cls, id2, m.s2, text2) == NULL) goto error;
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
            edge_id = PyUnicode_FromFormat("L_%U_%U_0", id1, id2);
        } else {
            Py_ssize_t c = PyLong_AsSsize_t(count);
            if (c == -1 && PyErr_Occurred()) { Py_DECREF(key); Py_DECREF(parts); goto error; }
            next = PyLong_FromSsize_t(c + 1);
            edge_id = PyUnicode_FromFormat("L_%U_%U_%zd", id1, id2, c + 1);
        }
        if (next == NULL || edge_id == NULL || PyDict_SetItem(pair_count, key, next) < 0) {
            Py_XDECREF(next); Py_XDECREF(edge_id); Py_DECREF(key); Py_DECREF(parts);
            goto error;
        }
        Py_DECREF(next);
        Py_DECREF(key);
        int known = PyDict_Contains(edge_by_id, edge_id);
        if (known < 0) { Py_DECREF(edge_id); Py_DECREF(parts); goto error; }
        if (!known) {
            PyObject *idx = PyLong_FromSsize_t(PyList_GET_SIZE(edges));
            if (idx == NULL || PyDict_SetItem(edge_by_id, edge_id, idx) < 0) {
                Py_XDECREF(idx); Py_DECREF(edge_id); Py_DECREF(parts);
                goto error;
            }
            Py_DECREF(idx);
        }
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
        /* object.__new__(cls), then object.__setattr__ for the four slots, as the Python
           version does (the frozen model's own __setattr__ would refuse) */
        PyObject *obj = PyBaseObject_Type.tp_new(type, empty, NULL);
        if (obj == NULL) { Py_DECREF(data); goto error; }
        int rc = PyObject_GenericSetAttr(obj, s_dict, data);
        Py_DECREF(data);
        if (rc < 0 || PyObject_GenericSetAttr(obj, s_fields_set, fields_set) < 0 ||
            PyObject_GenericSetAttr(obj, s_extra, Py_None) < 0 ||
            PyObject_GenericSetAttr(obj, s_private, Py_None) < 0 ||
            PyList_Append(out, obj) < 0) {
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

static PyMethodDef methods[] = {
    {"fast_match", py_fast_match, METH_VARARGS,
     "fast_match(src, pos) -> None or the spans of _FAST_RE.match(src, pos)"},
    {"fast_run", py_fast_run, METH_VARARGS,
     "fast_run(src, pos, vertices, pair_count, edges, edge_by_id, members, vertex_cls, "
     "parts_of, link_parts, statement_words) -> pos"},
    {"trusted_many", py_trusted_many, METH_VARARGS,
     "trusted_many(cls, fields_set, rows) -> list of unvalidated models"},
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
    INTERN(s_dict, "__dict__");
    INTERN(s_fields_set, "__pydantic_fields_set__");
    INTERN(s_extra, "__pydantic_extra__");
    INTERN(s_private, "__pydantic_private__");
#undef INTERN
    return PyModule_Create(&module);
}
