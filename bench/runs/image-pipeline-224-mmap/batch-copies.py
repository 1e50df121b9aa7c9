import torch, time
torch.set_num_threads(1)
n,c,h,w,p=64,3,224,224,4
x=torch.rand(n,c,h,w); black=torch.zeros(c,1,1)
offsets=torch.randint(0,2*p+1,(n,2))
def gather_shift():
    padded=black.expand(n,c,h+2*p,w+2*p).contiguous()
    padded[:,:,p:p+h,p:p+w]=x
    rows=torch.arange(h).unsqueeze(0)+offsets[:,0:1]
    cols=torch.arange(w).unsqueeze(0)+offsets[:,1:2]
    idx=(rows.unsqueeze(2)*(w+2*p)+cols.unsqueeze(1)).view(n,1,h*w).expand(n,c,h*w)
    return padded.flatten(2).gather(2,idx).view(x.shape)
def slice_shift():
    padded=black.expand(n,c,h+2*p,w+2*p).contiguous()
    padded[:,:,p:p+h,p:p+w]=x
    out=torch.empty_like(x)
    for i in range(n):
        r,cc=int(offsets[i,0]),int(offsets[i,1])
        out[i].copy_(padded[i,:,r:r+h,cc:cc+w])
    return out
def flip_where():
    m=torch.rand(n)<0.5
    return torch.where(m.view(n,1,1,1), x.flip(3), x)
for f in (gather_shift, slice_shift, flip_where):
    f(); t=time.time()
    for _ in range(10): y=f()
    print(f.__name__, round((time.time()-t)/10*1000,1),'ms/batch')
print(torch.equal(gather_shift(), slice_shift()))
def clone(): return x.clone()
def padonly():
    padded=black.expand(n,c,h+2*p,w+2*p).contiguous(); return padded
def flip(): return x.flip(3)
def zeros(): return torch.zeros(n,c,h+2*p,w+2*p)
for f in (clone, padonly, flip, zeros):
    f(); t=time.time()
    for _ in range(10): y=f()
    print(f.__name__, round((time.time()-t)/10*1000,1),'ms/batch')
