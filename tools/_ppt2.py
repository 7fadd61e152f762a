import sys, time, threading, statistics
sys.argv[0]="tools/page_open_profile.py"
import importlib.util, pathlib
sys.path.insert(0, str(pathlib.Path("tools").resolve().parent))
import console.compliance.record_pages as rp
from nicegui import run as nrun
orig = rp.load_first
T=[]
def timed(*a, **k):
    t=time.perf_counter(); c=time.thread_time()
    r=orig(*a, **k)
    T.append(((time.perf_counter()-t)*1000,(time.thread_time()-c)*1000))
    return r
rp.load_first = timed
orig_io = nrun.io_bound
W=[]
async def io_timed(fn,*a,**k):
    t=time.perf_counter()
    r= await orig_io(fn,*a,**k)
    W.append(((time.perf_counter()-t)*1000, getattr(fn,'__name__',str(fn))))
    return r
rp.run.io_bound = io_timed
exec(compile(open("tools/page_open_profile.py").read().replace('if __name__ == "__main__":\n    main()',''), "ppt", "exec"))
main()
print("load_first wall/cpu p50", statistics.median(x for x,_ in T[2:]), statistics.median(y for _,y in T[2:]))
print("io_bound await p50", statistics.median(x for x,_ in W[2:]), len(W))
import collections
agg=collections.defaultdict(list)
for w,n in W: agg[n].append(w)
for n,v in agg.items(): print(n, len(v), round(statistics.median(v),2))
