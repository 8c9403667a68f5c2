import yaml, re, collections
ids=set(); nums=set()
for line in open('/work/blind2/findings.txt'):
    m=re.match(r'^([a-z0-9_]+)( \[[^\]]*\])?:',line)
    if m:
        ids.add(m.group(1))
        if m.group(2): nums.add(m.group(1))
d=yaml.safe_load(open('/work/blind2/interview.yaml'))
levels=['self_care','consultation','consultation_24h','emergency','emergency_ambulance']
cnt=collections.Counter(); errs=[]; seen=set()
for c in d['cases']:
    assert c['id'] not in seen, c['id']; seen.add(c['id'])
    assert set(c)<= {'id','expected','acceptable','text','present','values'}, c['id']
    assert c['expected'] in levels, c['id']
    for a in c.get('acceptable',[]):
        assert a in levels and levels.index(a)>levels.index(c['expected']), c['id']
    cnt[c['expected']]+=1
    for p in c.get('present',[]):
        if p not in ids: errs.append((c['id'],'present',p))
        if p in nums: errs.append((c['id'],'numeric in present',p))
    for k,v in (c.get('values') or {}).items():
        if k not in nums: errs.append((c['id'],'value',k))
        if not isinstance(v,(int,float)): errs.append((c['id'],'nonnum',k))
    if len(set(c.get('present',[])))!=len(c.get('present',[])): errs.append((c['id'],'dup'))
print(len(d['cases']), dict(cnt)); print(errs or 'all ids ok')
